// The Lambda bundles as Lambda runs them: built once with esbuild, then each handler
// imported by a fresh plain `node` (no tsx) and invoked with a sample event, on a real database.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createPrismaApiKeyStore, DEFAULT_MIGRATIONS_DIR, LOCK_KEYS, readMigrations } from "@fastier/db";
import pg from "pg";
import { API_BUNDLE_LIMIT_BYTES, type BuiltBundle, buildLambdaBundles } from "../scripts/buildLambda.ts";
import { httpApiEvent, type InvokeOptions, invokeBundle, scheduledEvent } from "../scripts/invokeLambda.ts";
import { createKey } from "./helpers/testApp.ts";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "./helpers/testDatabase.ts";

interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

describe("Lambda bundles, run by plain node", () => {
  let outDir: string;
  let bundles: Record<string, BuiltBundle>;
  let db: TestDatabase;
  let empty: { url: string; drop(): Promise<void> };
  let keys: { viewer: string; operator: string; admin: string };

  before(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "fastier-lambda-test-"));
    const built = await buildLambdaBundles({ outDir });
    bundles = Object.fromEntries(built.map((bundle) => [bundle.name, bundle]));
    db = await createTestDatabase();
    empty = await createEmptyDatabase();
    const store = createPrismaApiKeyStore(db.prisma);
    keys = {
      viewer: (await createKey(store, "viewer")).key,
      operator: (await createKey(store, "operator")).key,
      admin: (await createKey(store, "admin")).key,
    };
  });
  after(async () => {
    await db?.drop();
    await empty?.drop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /** What Lambda would give the function: no tsx, no inherited DATABASE_URL, the Lambda marker set. */
  const lambdaEnv = (databaseUrl: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    CLOUD_PROVIDER: "sim",
    SIM_START: "16:30",
    SIM_TIME_SCALE: "60",
    AWS_LAMBDA_FUNCTION_NAME: "test",
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "warn",
  });
  const invoke = <T>(name: "api" | "worker", handler: string, events: unknown[], options?: InvokeOptions) =>
    invokeBundle<T>(bundles[name]!.file, handler, events, lambdaEnv(db.url), options);
  const api = (events: unknown[]) => invoke<HttpResult>("api", "handler", events);
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it("builds both bundles, the API one within its 5 MB limit, with the migrations beside the worker", async () => {
    assert.ok(bundles.api && bundles.worker);
    assert.ok(bundles.api.bytes <= API_BUNDLE_LIMIT_BYTES, `API bundle is ${bundles.api.bytes} bytes`);
    // The API starts from a V8 code cache made by the build's warm-up; the worker is one ES module.
    assert.ok((bundles.api.codeCacheBytes ?? 0) > 1_000_000, `API code cache: ${bundles.api.codeCacheBytes} bytes`);
    assert.equal(bundles.worker.code, bundles.worker.file);
    assert.equal(bundles.worker.codeCacheBytes, undefined);
    const shipped = await readMigrations(path.join(bundles.worker.directory, "migrations"));
    assert.deepEqual(
      shipped.map((migration) => migration.name),
      (await readMigrations(DEFAULT_MIGRATIONS_DIR)).map((migration) => migration.name),
    );
  });

  it("migrate applies every migration to an empty database, then none", async () => {
    const expected = (await readMigrations(DEFAULT_MIGRATIONS_DIR)).map((migration) => migration.name);
    assert.ok(expected.length > 0);
    const { invocations, output } = await invokeBundle<{ applied: string[]; alreadyApplied: number }>(
      bundles.worker!.file,
      "migrate",
      [{}, { RequestType: "Update", PhysicalResourceId: "fastier-database-migrations" }],
      lambdaEnv(empty.url),
    );
    assert.deepEqual(invocations[0]?.result.applied, expected, output);
    assert.deepEqual(invocations[1]?.result, {
      applied: [],
      alreadyApplied: expected.length,
      PhysicalResourceId: "fastier-database-migrations",
      Data: { applied: "", appliedCount: 0 },
    });
    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        `SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
      );
      assert.equal(Number(rows[0]?.count), expected.length);
      const tables = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'environments'");
      assert.equal(tables.rowCount, 1);
    } finally {
      await client.end();
    }
  });

  it("the API answers API Gateway v2 events: /healthz, and /v1/environments only with a key", async () => {
    const healthz = httpApiEvent("GET", "/healthz");
    const { invocations, output } = await api([
      healthz,
      httpApiEvent("GET", "/v1/environments"),
      httpApiEvent("GET", "/v1/environments?limit=5", bearer(keys.viewer)),
      httpApiEvent("POST", "/v1/environments", bearer(keys.admin), { name: "production", region: "us-east-1" }),
      httpApiEvent("GET", "/v1/environments", bearer(keys.viewer)),
      httpApiEvent("GET", "/openapi.json"),
      httpApiEvent("GET", "/docs/static/swagger-ui.css"),
      // Validators compile on first use on Lambda: bad input must still be refused, naming the field.
      httpApiEvent("GET", "/v1/environments?limit=0", bearer(keys.viewer)),
      httpApiEvent("POST", "/v1/environments", bearer(keys.admin), { name: "staging", region: 42 }),
    ]);
    const [health, anonymous, empty, created, listed, openapi, css, badQuery, badBody] = invocations.map(
      (invocation) => invocation.result,
    );
    assert.equal(health?.statusCode, 200, output);
    assert.doesNotMatch(output, /V8 rejected/, "the code cache made by this Node is taken");
    assert.equal(health?.headers["x-request-id"], healthz.requestContext.requestId);
    assert.equal(anonymous?.statusCode, 401, anonymous?.body);
    assert.match(anonymous?.headers["content-type"] ?? "", /application\/problem\+json/);
    assert.equal(empty?.statusCode, 200, empty?.body);
    assert.deepEqual(JSON.parse(empty?.body ?? "{}").items, []);
    assert.equal(created?.statusCode, 201, created?.body);
    assert.equal(listed?.statusCode, 200, listed?.body);
    assert.deepEqual(
      JSON.parse(listed?.body ?? "{}").items.map((environment: { name: string }) => environment.name),
      ["production"],
    );
    // The document and the /docs UI's files, which the bundle reads from beside index.mjs.
    assert.equal(openapi?.statusCode, 200);
    assert.equal(JSON.parse(openapi?.body ?? "{}").openapi, "3.1.0");
    assert.equal(css?.statusCode, 200, css?.body.slice(0, 300));
    assert.ok((css?.body.length ?? 0) > 10_000);
    assert.equal(badQuery?.statusCode, 400, badQuery?.body);
    assert.match(badQuery?.body ?? "", /\/limit/);
    assert.equal(badBody?.statusCode, 400, badBody?.body);
    assert.match(badBody?.body ?? "", /\/region/);
  });

  it("the API function serves the dashboard from beside its bundle: the page for client routes, hashed assets", async () => {
    const page = await readFile(path.join(bundles.api!.directory, "web", "index.html"), "utf8");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    assert.ok(script, page);
    const html = { accept: "text/html" };
    const { invocations, output } = await api([
      httpApiEvent("GET", "/", html),
      httpApiEvent("GET", "/operations/0b5d6c1e-4f0a-4c61-9d2c-8f1b2a3c4d5e", html),
      httpApiEvent("GET", script),
    ]);
    const [root, clientRoute, asset] = invocations.map((invocation) => invocation.result);
    for (const answer of [root, clientRoute]) {
      assert.equal(answer?.statusCode, 200, output);
      assert.equal(answer?.body, page);
      assert.equal(answer?.headers["cache-control"], "no-cache");
      assert.match(answer?.headers["content-security-policy"] ?? "", /script-src 'self'/);
    }
    assert.equal(asset?.statusCode, 200, asset?.body.slice(0, 300));
    assert.equal(asset?.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.ok((asset?.body.length ?? 0) > 10_000, "the whole script");
  });

  it("sync syncs every environment; reconcile advances a queued operation and stops before its deadline", async () => {
    const synced = await invoke<{ skipped: boolean; environments: { status: string; created: number }[] }>(
      "worker",
      "sync",
      [scheduledEvent("fastier-sync")],
    );
    const [sync] = synced.invocations.map((invocation) => invocation.result);
    assert.equal(sync?.skipped, false, synced.output);
    assert.equal(sync?.environments.length, 1);
    assert.equal(sync?.environments[0]?.status, "succeeded");
    assert.ok((sync?.environments[0]?.created ?? 0) > 0);

    const group = await db.prisma.resource.findFirstOrThrow({ where: { kind: "AUTO_SCALING_GROUP" } });
    const { invocations: scaled } = await api([
      httpApiEvent("POST", `/v1/resources/${group.id}/scale`, bearer(keys.operator), { desiredCapacity: 4 }),
    ]);
    assert.equal(scaled[0]?.result.statusCode, 202, scaled[0]?.result.body);
    const operationId = JSON.parse(scaled[0]?.result.body ?? "{}").id as string;

    // First with no time to spare (the timeout is the safety margin): nothing is taken on.
    // Then with 2 s before the margin: the operation takes its first step, and the run ends well within.
    const reconciled = await invoke<{ advanced: number; stoppedBy: string; durationMs: number }>(
      "worker",
      "reconcile",
      [scheduledEvent("fastier-reconcile"), scheduledEvent("fastier-reconcile")],
      { timeoutMs: [10_000, 12_000] },
    );
    const [starved, ran] = reconciled.invocations;
    assert.deepEqual(starved?.result, { advanced: 0, stoppedBy: "deadline", durationMs: starved?.result.durationMs });
    assert.ok((ran?.result.advanced ?? 0) >= 1, reconciled.output);
    assert.equal(ran?.result.stoppedBy, "idle");
    assert.ok((ran?.ms ?? Number.POSITIVE_INFINITY) < 2_000, `reconcile took ${ran?.ms} ms`);
    const operation = await db.prisma.operation.findUniqueOrThrow({ where: { id: operationId } });
    assert.notEqual(operation.status, "pending");
  });

  it("sweep runs one health sweep after a sync, and skips while another process sweeps", async () => {
    const swept = await invoke<{ skipped: boolean; id: string; status: string; resources: number }>("worker", "sweep", [
      scheduledEvent("fastier-sweep"),
    ]);
    const run = swept.invocations[0]?.result;
    assert.equal(run?.skipped, false, swept.output);
    assert.equal(run?.status, "succeeded", swept.output);
    assert.ok((run?.resources ?? 0) > 0);
    const stored = await db.prisma.healthSweep.findUniqueOrThrow({ where: { id: run?.id ?? "" } });
    assert.equal(stored.status, "SUCCEEDED");

    const holder = await db.pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [LOCK_KEYS.healthSweep]);
      const { invocations } = await invoke("worker", "sweep", [scheduledEvent("fastier-sweep")]);
      assert.deepEqual(invocations[0]?.result, { skipped: true });
    } finally {
      await holder.query("SELECT pg_advisory_unlock($1)", [LOCK_KEYS.healthSweep]);
      holder.release();
    }
  });
});
