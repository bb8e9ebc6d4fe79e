import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createManualClock, createSimCloud } from "@fastier/cloud";
import {
  createPrismaApiKeyStore,
  type DatabaseHandle,
  type EmbeddedDatabase,
  ensureDatabase,
  findFreePort,
  openDatabaseHandle,
  openEmbeddedPostgres,
  runMigrations,
} from "@fastier/db";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildApp } from "../apps/api/src/app.ts";
import { startWorker, type Worker } from "../apps/worker/src/startWorker.ts";
import { createKey, TEST_START } from "./helpers/testApp.ts";

/** Reads that go through Prisma, plain pg, the key look-up (no auth cache) and the simulator's state. */
const PATHS = ["/v1/environments", "/v1/resources?limit=5", "/v1/operations?limit=5", "/v1/dashboard", "/readyz"];
const CLIENTS = 6;

interface Tally {
  statuses: Map<number, number>;
  /** 503 answers that lacked Retry-After or the database_unavailable code. */
  malformed503: string[];
  serverErrors: string[];
}

/**
 * A PostgreSQL server of the test's own (the suite's shared one cannot be
 * stopped), restarted and stopped under a steady load of API requests.
 */
describe("a database outage under load", { timeout: 180_000 }, () => {
  let dataDir: string;
  let port: number;
  let server: EmbeddedDatabase;
  let db: DatabaseHandle;
  let app: FastifyInstance;
  let base: string;
  let key: string;
  let worker: Worker;
  const workerLog: { level: number; msg: string; job?: string }[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "fastier-outage-"));
    port = await findFreePort();
    server = await openEmbeddedPostgres({ dataDir, port });
    const url = await ensureDatabase(server.serverUrl, "fastier");
    await runMigrations(url);
    db = openDatabaseHandle({ url, poolMax: 10 });
    const clock = createManualClock(TEST_START);
    app = await buildApp({
      // Thousands of requests a minute from one key: this test's load, not a client to limit.
      config: { logLevel: "silent", authCacheSeconds: 0, rateLimit: { perKeyPerMinute: 0, perAddressPerMinute: 0 } },
      database: db,
      cloud: createSimCloud({ pool: db.pool, clock, pipelineFailureRate: 0 }),
      now: () => clock.now(),
      logger: false,
    });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    key = (await createKey(createPrismaApiKeyStore(db.prisma), "viewer")).key;
    const log = pino({ level: "warn" }, { write: (line: string) => workerLog.push(JSON.parse(line)) });
    worker = startWorker({
      database: db,
      cloud: createSimCloud({ pool: db.pool, clock, pipelineFailureRate: 0 }),
      log,
      now: () => clock.now(),
      syncIntervalSeconds: 0,
      reconcileIntervalMs: 100,
    });
  });

  after(async () => {
    await worker?.stop();
    await app?.close();
    await db?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function load(tally: Tally, running: () => boolean) {
    let turn = 0;
    while (running()) {
      const url = `${base}${PATHS[turn++ % PATHS.length]}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      const body = await response.text();
      tally.statuses.set(response.status, (tally.statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500 && response.status !== 503)
        tally.serverErrors.push(`${url} ${response.status} ${body}`);
      if (response.status === 503) {
        const problem = JSON.parse(body) as { code?: string };
        const retryAfter = Number(response.headers.get("retry-after"));
        const problemJson = response.headers.get("content-type")?.startsWith("application/problem+json");
        if (problem.code !== "database_unavailable" || !(retryAfter > 0) || !problemJson) {
          tally.malformed503.push(`${url} retry-after=${response.headers.get("retry-after")} ${body}`);
        }
      }
    }
  }

  async function underLoad(phase: () => Promise<void>): Promise<Tally> {
    const tally: Tally = { statuses: new Map(), malformed503: [], serverErrors: [] };
    let running = true;
    const clients = Array.from({ length: CLIENTS }, () => load(tally, () => running));
    try {
      await phase();
    } finally {
      running = false;
      await Promise.all(clients);
    }
    return tally;
  }

  async function restartServer(downForMs: number) {
    await server.stop();
    await sleep(downForMs);
    server = await openEmbeddedPostgres({ dataDir, port });
  }

  /** Every request answers 200 again within a few seconds of the server's return. */
  async function recovered(): Promise<boolean> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const answers = await Promise.all(
        PATHS.map((p) => fetch(`${base}${p}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status)),
      );
      if (answers.every((status) => status === 200)) return true;
      await sleep(200);
    }
    return false;
  }

  function report(what: string, tally: Tally) {
    const counts = Object.fromEntries([...tally.statuses].sort(([a], [b]) => a - b));
    console.log(`${what}: ${JSON.stringify(counts)}`);
    assert.deepEqual(tally.serverErrors.slice(0, 5), [], `${what}: never a 500`);
    assert.deepEqual(tally.malformed503.slice(0, 5), [], `${what}: every 503 is database_unavailable with Retry-After`);
  }

  it("answers 503 database_unavailable with Retry-After, never 500, through a restart, and recovers", async () => {
    const tally = await underLoad(async () => {
      await sleep(1_000);
      await restartServer(0);
      await sleep(1_000);
    });
    report("restart", tally);
    assert.ok((tally.statuses.get(200) ?? 0) > 0);
    assert.equal(await recovered(), true, "the API recovers by itself");
  });

  it("answers 503 through a longer stop, and recovers by itself", async () => {
    const tally = await underLoad(async () => {
      await sleep(500);
      await restartServer(4_000);
      await sleep(1_000);
    });
    report("4 s stop", tally);
    assert.ok((tally.statuses.get(503) ?? 0) > 0, "requests during the stop were answered 503");
    assert.equal(await recovered(), true, "the API recovers by itself");
    const readiness = await fetch(`${base}/readyz`);
    assert.equal(readiness.status, 200);
    // The worker, ticking every 100 ms through the stop, says the same and never reports a crash.
    const warnings = workerLog.filter((line) => /the database is unavailable/.test(line.msg));
    assert.ok(warnings.length > 0, JSON.stringify(workerLog.slice(0, 3)));
    assert.deepEqual(
      workerLog.filter((line) => line.level >= 50),
      [],
      "no error-level worker log",
    );
  });
});
