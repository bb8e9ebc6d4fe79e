import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { findFreePort } from "@fastier/db";
import { queryEmbedded } from "./helpers/embeddedDatabase.ts";
import { api, launchedScripts, waitUntil } from "./helpers/launchedApi.ts";
import {
  groupMembers,
  type LaunchedScript,
  processesMentioning,
  STOP_SIGNALS,
  type StopSignal,
} from "./helpers/npmScripts.ts";

const { DATABASE_URL: _ignored, ...baseEnv } = process.env;
/** What every launch path must do: drain and exit in this time. */
const STOP_WITHIN_MS = 10_000;
const { launch, dataFolder } = launchedScripts();

/** Opens the operation's event stream and collects what arrives until the server ends it. */
function openEventStream(url: string, key: string) {
  let text = "";
  const ended = (async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.status, 200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value);
    }
  })();
  return { received: () => text, ended };
}

/** The lease columns of an operation, read straight from the embedded server of `dataDir`. */
async function leaseOf(dataDir: string, operationId: string) {
  const [row] = await queryEmbedded<{ status: string; lease_owner: string | null }>(
    dataDir,
    "SELECT status, lease_owner FROM operations WHERE id = $1",
    [operationId],
  );
  return row as { status: string; lease_owner: string | null };
}

function assertStoppedCleanly(
  script: string,
  how: StopSignal,
  launchedScript: LaunchedScript,
  stopped: { code: number | null; ms: number },
) {
  const context = `npm run ${script}, ${how}:\n${launchedScript.output().slice(-3000)}`;
  assert.equal(stopped.code, 0, `exit code 0 — ${context}`);
  assert.ok(stopped.ms < STOP_WITHIN_MS, `stopped in ${stopped.ms} ms — ${context}`);
  assert.doesNotMatch(launchedScript.output(), /second SIG|killed by timeout|did not close in time/, context);
  assert.deepEqual(groupMembers(launchedScript.child.pid as number), [], `nothing left in the group — ${context}`);
}

async function assertDatabaseStopped(dataDir: string, context: string) {
  assert.deepEqual(processesMentioning(path.join(dataDir, "postgres")), [], `no PostgreSQL left — ${context}`);
  assert.equal(existsSync(path.join(dataDir, "postgres", "postmaster.pid")), false, `no postmaster.pid — ${context}`);
  assert.equal(existsSync(path.join(dataDir, "postgres-owner.json")), false, `no owner file — ${context}`);
}

describe("stopping every launch path", { timeout: 600_000 }, () => {
  for (const how of STOP_SIGNALS) {
    it(`${how}: start:api and start:worker, then npm start, each drain and exit 0 within 10 s`, async () => {
      const dataDir = await dataFolder("fastier-shutdown-");
      const port = await findFreePort();
      const env = { ...baseEnv, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" };
      const base = `http://127.0.0.1:${port}`;

      // The API alone: it starts the embedded server and prints the first admin key.
      const apiOnly = launch("start:api", env);
      await apiOnly.waitFor("Stop with Ctrl+C");
      const key = /^\s+(fcp_\S+)\s*$/m.exec(apiOnly.output())?.[1];
      assert.ok(key, apiOnly.output());
      const groups = await api(`${base}/v1/resources?kind=auto_scaling_group`, key);
      const groupId = (groups.body.items as { id: string }[])[0]?.id;
      assert.ok(groupId);
      const requested = await api(`${base}/v1/resources/${groupId}/scale`, key, "POST", { desiredCapacity: 6 });
      assert.equal(requested.status, 202, JSON.stringify(requested.body));
      const operationId = requested.body.id as string;

      // The worker alone, on the API's embedded server: it takes the operation and starts it.
      const workerOnly = launch("start:worker", env);
      await waitUntil("the operation to run", async () => {
        const operation = await api(`${base}/v1/operations/${operationId}`, key);
        return operation.body.status === "running";
      });
      const workerStopped = await workerOnly.stop(how);
      assertStoppedCleanly("start:worker", how, workerOnly, workerStopped);
      const lease = await leaseOf(dataDir, operationId);
      assert.equal(lease.lease_owner, null, "the worker finished its step or gave its claim back");
      assert.equal(lease.status, "RUNNING", "the operation waits for the next worker, not failed");

      // The API with a live event stream open: the stream gets a final event and closes.
      const stream = openEventStream(`${base}/v1/operations/${operationId}/events`, key);
      await waitUntil("the stream's history", async () => stream.received().includes("event: started"));
      const apiStopped = await apiOnly.stop(how);
      assertStoppedCleanly("start:api", how, apiOnly, apiStopped);
      assert.match(await stream.ended, /event: shutdown\ndata: .*Last-Event-ID/);
      await assertDatabaseStopped(dataDir, `start:api, ${how}`);
      const refused = await fetch(`${base}/healthz`).then(
        () => "answered",
        () => "refused",
      );
      assert.equal(refused, "refused", "nothing listens after the stop");

      // npm start: API and worker in one process, with the operation carried on and a stream open.
      const both = launch("start", env);
      await both.waitFor("Stop with Ctrl+C");
      const again = openEventStream(`${base}/v1/operations/${operationId}/events`, key);
      await waitUntil("the stream's history", async () => again.received().includes("event: started"));
      const bothStopped = await both.stop(how);
      assertStoppedCleanly("start", how, both, bothStopped);
      assert.match(await again.ended, /event: (shutdown|end)\n/);
      await assertDatabaseStopped(dataDir, `start, ${how}`);
      console.log(
        `${how}: start:worker ${workerStopped.ms} ms, start:api ${apiStopped.ms} ms, start ${bothStopped.ms} ms`,
      );
    });
  }
});
