import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { findFreePort } from "@fastier/db";
import { launchNpmScript, processesMentioning } from "./helpers/npmScripts.ts";

const { DATABASE_URL: _ignored, ...baseEnv } = process.env;
const isRoot = process.getuid?.() === 0;
/** What a copy of the project needs to run; build output and local data are left out. */
const LEFT_OUT = new Set([".git", ".data", "dist", "cdk.out"]);
let privateFolder: string | undefined;
let clusterDir: string | undefined;

after(async () => {
  if (clusterDir) for (const pid of processesMentioning(clusterDir)) process.kill(pid, "SIGKILL");
  if (clusterDir) await rm(path.dirname(clusterDir), { recursive: true, force: true });
  if (privateFolder) await rm(privateFolder, { recursive: true, force: true });
});

/** Files readable by others that hold something secret: none may exist, even for a moment. */
function worldReadablePasswordFiles(): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith("pg-password-"))
    .map((name) => path.join(tmpdir(), name))
    .filter((file) => (statSync(file).mode & 0o004) !== 0);
}

function modeOf(file: string) {
  return statSync(file).mode & 0o777;
}

describe("root, in a clone under a mode-700 folder", { timeout: 240_000 }, () => {
  it("npm start runs, answers and stops cleanly, with no secret readable by others", {
    skip: isRoot ? false : "only root meets this case: the server then runs as the postgres user",
  }, async () => {
    privateFolder = await mkdtemp(path.join(tmpdir(), "fastier-root-"));
    assert.equal(modeOf(privateFolder), 0o700, "mkdtemp makes a private folder, like /root");
    const project = path.join(privateFolder, "project");
    await mkdir(project);
    // Hard links: a copy of the working tree, node_modules included, in a second and no disk space.
    for (const entry of await readdir(process.cwd())) {
      if (!LEFT_OUT.has(entry)) execFileSync("cp", ["-al", entry, path.join(project, entry)]);
    }
    const port = await findFreePort();
    const started = launchNpmScript(
      "start",
      { ...baseEnv, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      project,
    );
    try {
      await started.waitFor("Stop with Ctrl+C", 120_000);
    } catch (error) {
      started.kill();
      throw error;
    }
    const output = started.output();
    assert.doesNotMatch(output, /EACCES|\n\s+at /, "no permission error, no stack trace");
    clusterDir = /Database\s+embedded PostgreSQL in (\S+)/.exec(output)?.[1];
    assert.ok(clusterDir, output);
    assert.ok(!clusterDir.startsWith(privateFolder), `the cluster is where postgres can reach it: ${clusterDir}`);
    assert.equal(modeOf(clusterDir), 0o700, "the cluster is private to its owner");
    assert.equal(statSync(clusterDir).uid, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })));
    assert.equal(modeOf(path.join(project, ".data", "postgres-credentials.json")), 0o600);
    assert.deepEqual(worldReadablePasswordFiles(), []);

    const key = /^\s+(fcp_\S+)\s*$/m.exec(output)?.[1];
    const answer = await fetch(`http://127.0.0.1:${port}/v1/environments`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(answer.status, 200);

    const stopped = await started.stop("SIGTERM to npm");
    assert.equal(stopped.code, 0, started.output());
    assert.deepEqual(processesMentioning(clusterDir), [], "no PostgreSQL left");
    assert.equal(existsSync(path.join(clusterDir, "postmaster.pid")), false);
  });
});
