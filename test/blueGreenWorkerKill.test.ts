// A real worker OS process is killed (SIGKILL) in the middle of a blue/green deploy; a new worker
// process carries the operation on: exactly one green environment is created and one swap made.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findFreePort } from "@fastier/db";
import { queryEmbedded } from "./helpers/embeddedDatabase.ts";
import { api, launchedScripts, waitUntil } from "./helpers/launchedApi.ts";
import { groupMembers } from "./helpers/npmScripts.ts";

const { DATABASE_URL: _ignored, ...baseEnv } = process.env;
const { launch, dataFolder } = launchedScripts();

describe("a blue/green deploy survives a killed worker process", { timeout: 300_000 }, () => {
  it("resumes on a new worker with one green environment created and one swap", async () => {
    const dataDir = await dataFolder("fastier-bluegreen-kill-");
    const port = await findFreePort();
    // Simulated minutes pass in a fifth of a second: the clone launches in under two seconds.
    const env = { ...baseEnv, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", SIM_TIME_SCALE: "300" };
    const base = `http://127.0.0.1:${port}`;
    const apiOnly = launch("start:api", env);
    await apiOnly.waitFor("Stop with Ctrl+C");
    const key = /^\s+(fcp_\S+)\s*$/m.exec(apiOnly.output())?.[1];
    assert.ok(key, apiOnly.output());
    const environments = await api(`${base}/v1/resources?kind=beanstalk_environment`, key);
    const blueId = (environments.body.items as { id: string }[])[0]?.id;
    assert.ok(blueId);
    const requested = await api(`${base}/v1/resources/${blueId}/blue-green`, key, "POST", {
      versionLabel: "fastier-web-v42",
      drainMinutes: 5,
      healthGate: { bakeMinutes: 0 },
    });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    const operationId = requested.body.id as string;
    const operation = async () => (await api(`${base}/v1/operations/${operationId}`, key)).body;

    const first = launch("start:worker", env);
    // Killed while green is being created or launched: the steps a second worker must not repeat. A worker
    // starting on a busy machine can take a while, and a step can pass between two looks, so any of them counts.
    const beforeTheSwap = ["create", "launch", "judge"];
    await waitUntil(
      "the deploy to be creating or launching green",
      async () => beforeTheSwap.includes(String((await operation()).step)),
      120_000,
    );
    first.kill();
    await waitUntil("the killed worker to be gone", async () => groupMembers(first.child.pid as number).length === 0);
    const killedIn = (await operation()).step;
    assert.ok(beforeTheSwap.includes(String(killedIn)), `killed in step ${killedIn}`);

    const second = launch("start:worker", env);
    await waitUntil(
      "the deploy to end",
      async () => !["pending", "running"].includes(String((await operation()).status)),
      180_000,
    );
    const done = await operation();
    assert.equal(done.status, "succeeded", JSON.stringify(done, null, 1));
    const [world] = await queryEmbedded<{ clones: number; swaps: number; templates: number }>(
      dataDir,
      `SELECT jsonb_array_length(state->'blueGreen'->'clones') AS clones,
              jsonb_array_length(state->'blueGreen'->'liveHolders') - 1 AS swaps,
              jsonb_array_length(state->'blueGreen'->'configurationTemplates') AS templates
         FROM sim_accounts WHERE id = 'fastier'`,
    );
    assert.deepEqual(world, { clones: 1, swaps: 1, templates: 1 }, `killed in step ${killedIn}`);
    console.log(`killed the first worker in step ${killedIn}; the second carried the deploy to its end`);
    await second.stop("SIGTERM to the group");
    await apiOnly.stop("SIGTERM to the group");
  });
});
