import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pg from "pg";
import { isProcessAlive } from "../src/embedded/serverProcess.ts";
import { openEmbeddedPostgres } from "../src/index.ts";

const FIXTURE = path.resolve("test/fixtures/openEmbeddedPostgres.ts");
const dataDirs: string[] = [];
after(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

async function newDataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), "fastier-embedded-"));
  dataDirs.push(dir);
  return dir;
}

/** Starts the fixture in another process and resolves with its first line of output. */
function openInChild(
  dataDir: string,
  hold: boolean,
): Promise<{ child: ChildProcess; owned: boolean; serverUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      env: { ...process.env, DATA_DIR: dataDir, HOLD: hold ? "1" : "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
    child.on("exit", (code) => {
      if (!output.includes("{")) reject(new Error(`fixture exited with ${code} before opening the server`));
    });
  });
}

async function canQuery(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query("SELECT 1 AS one");
  await client.end();
  return rows[0]?.one === 1;
}

async function postmasterPid(dataDir: string) {
  return Number((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
}

describe("embedded PostgreSQL", { timeout: 120_000 }, () => {
  it("starts a real server, keeps data across restarts, and stops it", async () => {
    const dataDir = await newDataDir();
    const first = await openEmbeddedPostgres({ dataDir });
    assert.equal(first.owned, true);
    const client = new pg.Client({ connectionString: first.serverUrl });
    await client.connect();
    await client.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await client.end();
    await first.stop();
    assert.equal(existsSync(path.join(dataDir, "postgres", "postmaster.pid")), false);

    const second = await openEmbeddedPostgres({ dataDir });
    const again = new pg.Client({ connectionString: second.serverUrl });
    await again.connect();
    const { rows } = await again.query("SELECT v FROM kept");
    await again.end();
    await second.stop();
    assert.deepEqual(rows, [{ v: "still here" }]);
  });

  it("shares the server with a second process instead of starting another on the same data", async () => {
    const dataDir = await newDataDir();
    const owner = await openEmbeddedPostgres({ dataDir });
    try {
      const { owned, serverUrl, child } = await openInChild(dataDir, false);
      await new Promise((resolve) => child.on("exit", resolve));
      assert.equal(owned, false);
      assert.equal(new URL(serverUrl).port, new URL(owner.serverUrl).port);
      // The guest's stop() must leave the owner's server running.
      assert.equal(await canQuery(owner.serverUrl), true);
    } finally {
      await owner.stop();
    }
  });

  it("cleans up the orphaned server of a SIGKILLed parent and starts afresh", async () => {
    const dataDir = await newDataDir();
    const { child } = await openInChild(dataDir, true);
    const orphanPid = await postmasterPid(dataDir);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(isProcessAlive(orphanPid), true, "the server outlives its killed parent");

    const reopened = await openEmbeddedPostgres({ dataDir });
    try {
      assert.equal(reopened.owned, true);
      assert.equal(isProcessAlive(orphanPid), false, "the orphan was stopped");
      assert.notEqual(await postmasterPid(dataDir), orphanPid);
      assert.equal(await canQuery(reopened.serverUrl), true);
    } finally {
      await reopened.stop();
    }
  });

  it("starts despite a stale postmaster.pid left by a crash", async () => {
    const dataDir = await newDataDir();
    const first = await openEmbeddedPostgres({ dataDir });
    await first.stop();
    // A pid that cannot be alive, in PostgreSQL's file layout.
    await writeFile(path.join(dataDir, "postgres", "postmaster.pid"), `999999\n${dataDir}/postgres\n0\n5999\n`);
    const second = await openEmbeddedPostgres({ dataDir });
    try {
      assert.equal(await canQuery(second.serverUrl), true);
    } finally {
      await second.stop();
    }
  });
});
