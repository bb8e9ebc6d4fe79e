import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { runScript, startServer } from "./helpers/processes.ts";
import { createTestDatabase } from "./helpers/testDatabase.ts";

const { DATABASE_URL: _ignored, ...baseEnv } = process.env;
const folders: string[] = [];
after(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function dataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), "fastier-start-"));
  folders.push(dir);
  return dir;
}

async function get(url: string, key: string) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as { items: { kind: string }[] } };
}

describe("npm start", { timeout: 180_000 }, () => {
  it("starts on embedded PostgreSQL, seeds, prints the URL and a one-time admin key, and stops cleanly", async () => {
    const env = { ...baseEnv, DATA_DIR: await dataDir() };
    const first = await startServer(env);
    try {
      assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(first.adminKey, `banner shows a key:\n${first.output()}`);
      // The dashboard's address comes first: it is what a person opens.
      assert.match(first.output(), /Fastier Control Plane is running\n {2}Dashboard {2}http:\/\/127\.0\.0\.1:\d+\/ /);
      const page = await fetch(`${first.url}/`, { headers: { accept: "text/html" } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="app"><\/div>/);
      assert.match(first.output(), /environment "production" synced from the simulated Fastier account: \d+ resources/);
      assert.match(
        first.output(),
        /Worker\s+syncing every environment every 300 simulated s; health sweep every 60 simulated s/,
      );
      const resources = await get(`${first.url}/v1/resources?limit=200`, first.adminKey);
      assert.equal(resources.status, 200);
      const kinds = new Set(resources.body.items.map((r) => r.kind));
      assert.equal(kinds.size, 8, "every kind of Fastier's architecture is in the inventory");

      // A CLI tool reaches the running server's database instead of starting a second server.
      const created = await runScript("apikey", ["create", "--name", "ops-bot", "--role", "viewer"], env);
      assert.equal(created.code, 0, created.stderr);
      const cliKey = /(fcp_\S+)/.exec(created.stdout)?.[1];
      assert.ok(cliKey);
      assert.equal((await get(`${first.url}/v1/environments`, cliKey)).status, 200);
    } finally {
      assert.equal(await first.stop(), 0, "a graceful shutdown exits 0");
    }
    assert.equal(existsSync(path.join(env.DATA_DIR, "postgres", "postmaster.pid")), false, "PostgreSQL stopped too");

    const second = await startServer(env);
    try {
      assert.equal(second.adminKey, null, "the key is shown only on the first start");
      assert.doesNotMatch(second.output(), /synced from/);
    } finally {
      await second.stop();
    }
  });

  it("uses DATABASE_URL when it is set and starts no PostgreSQL of its own", async () => {
    const db = await createTestDatabase();
    const env = { ...baseEnv, DATA_DIR: await dataDir(), DATABASE_URL: db.url };
    const server = await startServer(env);
    try {
      assert.match(server.output(), /Database\s+DATABASE_URL/);
      assert.ok(server.adminKey);
      assert.equal(existsSync(path.join(env.DATA_DIR, "postgres")), false);
      const environments = await db.prisma.environment.count();
      assert.equal(environments, 1);
      const firstSync = await db.prisma.syncRun.findFirst({ where: { trigger: "startup" } });
      assert.equal(firstSync?.status, "SUCCEEDED");
    } finally {
      await server.stop();
      await db.drop();
    }
  });

  it("refuses to start with a bad setting and names it", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/api/src/server.ts"], {
      env: { ...baseEnv, PORT: "eighty" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 1);
    assert.match(stderr, /could not start: invalid configuration: .*PORT/);
  });
});

describe("npm run start:worker", { timeout: 60_000 }, () => {
  it("runs the scheduled sync alone against the database and stops cleanly", async () => {
    const db = await createTestDatabase();
    try {
      await db.prisma.environment.create({ data: { name: "production", region: "us-east-1" } });
      const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
        env: { ...baseEnv, DATABASE_URL: db.url, SYNC_INTERVAL_SECONDS: "1", LOG_LEVEL: "warn" },
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      const deadline = Date.now() + 30_000;
      let runs = 0;
      while (runs === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        runs = await db.prisma.syncRun.count({ where: { trigger: "schedule", status: "SUCCEEDED" } });
      }
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
      assert.ok(runs >= 1, "the worker synced on its schedule");
      assert.ok((await db.prisma.resource.count()) >= 10);
    } finally {
      await db.drop();
    }
  });
});
