import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ASG_NAME, type CloudPort, type DiscoveredResource, REPLICA_DB } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore, LOCK_KEYS } from "@fastier/db";
import pino from "pino";
import { startWorker } from "../apps/worker/src/startWorker.ts";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

const MINUTE = 60_000;

interface ResourceJson {
  id: string;
  kind: string;
  cloudId: string;
  status: string;
  goneAt: string | null;
  lastSyncedAt: string | null;
  capacity: { desiredCapacity: number } | null;
}

describe("inventory sync from the simulated Fastier account", () => {
  let t: TestApp;
  let envId: string;

  const sync = (id = envId, role: "operator" | "viewer" = "operator") =>
    t.app.inject({ method: "POST", url: `/v1/environments/${id}/sync`, headers: t.auth(role) });
  const resources = async (query = "") =>
    (
      await t.app.inject({
        method: "GET",
        url: `/v1/resources?limit=200&environmentId=${envId}${query}`,
        headers: t.auth("viewer"),
      })
    ).json().items as ResourceJson[];

  before(async () => {
    t = await createTestApp();
    const env = await t.app.inject({
      method: "POST",
      url: "/v1/environments",
      headers: t.auth("operator"),
      payload: { name: "production", region: "us-east-1" },
    });
    envId = env.json().id;
  });
  after(() => t.close());

  it("creates the whole architecture on a first sync, and changes nothing on a second", async () => {
    const first = await sync();
    assert.equal(first.statusCode, 200, first.body);
    const run = first.json();
    assert.equal(run.status, "succeeded");
    assert.equal(run.trigger, "api");
    assert.ok(run.created >= 10, `created ${run.created}`);
    assert.equal(run.created, run.discovered);
    const kinds = new Set((await resources()).map((r) => r.kind));
    assert.equal(kinds.size, 8);
    const instances = await resources("&kind=instance");
    const group = (await resources("&kind=auto_scaling_group"))[0];
    assert.ok(group?.lastSyncedAt);
    assert.ok(instances.every((i) => (i as unknown as { parentId: string }).parentId === group?.id));

    const second = (await sync()).json();
    assert.deepEqual([second.created, second.updated, second.markedGone], [0, 0, 0]);
    assert.equal(second.unchanged, run.created);
  });

  it("records drift made outside the control plane and discovers new instances", async () => {
    await t.cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    t.clock.advance(10 * MINUTE);
    const run = (await sync()).json();
    assert.equal(run.status, "succeeded");
    assert.equal(run.created, 2, "two instances launched");
    assert.ok(run.updated >= 1, "the group's capacity drifted");
    const group = (await resources("&kind=auto_scaling_group"))[0];
    assert.equal(group?.capacity?.desiredCapacity, 4);

    const audit = await t.app.inject({
      method: "GET",
      url: `/v1/audit-events?targetId=${group?.id}&action=resource.drift`,
      headers: t.auth("viewer"),
    });
    const [event] = audit.json().items;
    assert.ok(event.after.changes.includes("capacity"));
    assert.equal(event.before.capacity.desiredCapacity, 2);
    assert.equal(event.actorName, "operator");
  });

  it("marks vanished resources gone, keeping them with the time they vanished", async () => {
    await t.cloud.autoScaling.setDesiredCapacity(ASG_NAME, 2);
    t.clock.advance(10 * MINUTE);
    const run = (await sync()).json();
    assert.equal(run.markedGone, 2);
    const gone = await resources("&status=gone");
    assert.equal(gone.length, 2);
    assert.ok(gone.every((r) => r.kind === "instance" && r.goneAt !== null));
    const again = (await sync()).json();
    assert.equal(again.markedGone, 0, "gone once, not again");
  });

  it("keeps the promoted replica's new role as drift", async () => {
    await t.cloud.databases.promoteReadReplica(REPLICA_DB);
    t.clock.advance(10 * MINUTE);
    const run = (await sync()).json();
    assert.equal(run.status, "succeeded");
    const replica = (await resources("&kind=db_instance")).find((r) => r.cloudId === REPLICA_DB) as unknown as {
      database: { role: string; sourceDbIdentifier: string | null };
    };
    assert.equal(replica.database.role, "standalone");
    assert.equal(replica.database.sourceDbIdentifier, null);
  });

  it("lists the runs newest first", async () => {
    const list = await t.app.inject({
      method: "GET",
      url: `/v1/environments/${envId}/syncs?limit=2`,
      headers: t.auth("viewer"),
    });
    assert.equal(list.statusCode, 200);
    const items = list.json().items;
    assert.equal(items.length, 2);
    assert.ok(new Date(items[0].startedAt) >= new Date(items[1].startedAt));
  });

  it("refuses an environment in another region, an unknown one, and a viewer", async () => {
    const other = await t.app.inject({
      method: "POST",
      url: "/v1/environments",
      headers: t.auth("operator"),
      payload: { name: "europe", region: "eu-west-1" },
    });
    const mismatch = await sync(other.json().id);
    assert.equal(mismatch.statusCode, 409);
    assert.equal(mismatch.json().code, "region_mismatch");
    assert.equal((await sync("00000000-0000-4000-8000-000000000000")).statusCode, 404);
    assert.equal((await sync(envId, "viewer")).statusCode, 403);
  });
});

describe("a sync that fails", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  /** The simulator, but with discovery replaced: a cloud that answers badly. */
  const brokenCloud = (discover: CloudPort["discovery"]["discover"]): CloudPort => ({
    ...t.cloud,
    provider: t.cloud.provider,
    region: t.cloud.region,
    discovery: { discover },
  });

  const syncWith = async (cloud: CloudPort) => {
    const inventory = createInventoryStore(t.db);
    const env = await inventory.createEnvironment(
      { name: `broken-${Math.random().toString(36).slice(2, 8)}`, region: "us-east-1" },
      { actor: { keyId: null, name: "test", role: "admin" }, requestId: null },
    );
    const { syncEnvironment } = await import("@fastier/core");
    const run = await syncEnvironment(
      { cloud, inventory, syncs: createPrismaSyncStore(t.db), now: () => t.clock.now() },
      env.id,
      "api",
      { actor: { keyId: null, name: "test", role: "admin" }, requestId: null },
    );
    return { run, count: await t.db.prisma.resource.count({ where: { environmentId: env.id } }) };
  };

  it("applies nothing when the cloud cannot be read, and says why", async () => {
    const { run, count } = await syncWith(
      brokenCloud(async () => {
        throw new Error("discovery unavailable");
      }),
    );
    assert.equal(run.status, "failed");
    assert.match(run.error ?? "", /discovery unavailable/);
    assert.equal(count, 0);
  });

  it("applies nothing when writing fails half-way (no half-applied sync)", async () => {
    const good = await t.cloud.discovery.discover();
    const poisoned: DiscoveredResource = { ...good.resources[0]!, cloudId: "x", name: "n".repeat(300) };
    const { run, count } = await syncWith(
      brokenCloud(async () => ({ resources: [...good.resources, poisoned], failures: [] })),
    );
    assert.equal(run.status, "failed");
    assert.equal(count, 0, "the valid resources were not written either");
    const audit = await t.db.prisma.auditEvent.count({ where: { action: "resource.discover" } });
    assert.equal(audit, 0);
  });

  it("leaves a kind whose listing failed alone and reports it", async () => {
    const good = await t.cloud.discovery.discover();
    const inventory = createInventoryStore(t.db);
    const audit = { actor: { keyId: null, name: "test", role: "admin" as const }, requestId: null };
    const env = await inventory.createEnvironment({ name: "partial", region: "us-east-1" }, audit);
    const { syncEnvironment } = await import("@fastier/core");
    const deps = { inventory, syncs: createPrismaSyncStore(t.db), now: () => t.clock.now() };
    await syncEnvironment({ ...deps, cloud: t.cloud }, env.id, "api", audit);
    const withoutDatabases = brokenCloud(async () => ({
      resources: good.resources.filter((r) => r.kind !== "db_instance"),
      failures: [{ kind: "db_instance", error: "rds: throttled" }],
    }));
    const run = await syncEnvironment({ ...deps, cloud: withoutDatabases }, env.id, "api", audit);
    assert.equal(run.status, "succeeded");
    assert.equal(run.markedGone, 0);
    assert.deepEqual(run.failures, [{ kind: "db_instance", error: "rds: throttled" }]);
  });
});

describe("the worker's scheduled sync", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("syncs every environment in the cloud's region, and skips while another worker holds the lock", async () => {
    const inventory = createInventoryStore(t.db);
    const audit = { actor: { keyId: null, name: "test", role: "admin" as const }, requestId: null };
    await inventory.createEnvironment({ name: "production", region: "us-east-1" }, audit);
    await inventory.createEnvironment({ name: "elsewhere", region: "eu-west-1" }, audit);
    const worker = startWorker({
      database: t.db,
      cloud: t.cloud,
      log: pino({ level: "silent" }),
      syncIntervalSeconds: 0,
      reconcileIntervalMs: 0,
      now: () => t.clock.now(),
    });
    const scheduledRuns = () => t.db.prisma.syncRun.count({ where: { trigger: "schedule" } });

    // Another worker's session holds the job's lock: this one must skip.
    const other = await t.db.pool.connect();
    await other.query("SELECT pg_advisory_lock($1)", [LOCK_KEYS.scheduledSync]);
    await worker.syncNow();
    assert.equal(await scheduledRuns(), 0);
    await other.query("SELECT pg_advisory_unlock($1)", [LOCK_KEYS.scheduledSync]);
    other.release();

    await worker.syncNow();
    await worker.stop();
    const runs = await t.db.prisma.syncRun.findMany({ where: { trigger: "schedule" }, include: { environment: true } });
    assert.deepEqual(
      runs.map((r) => [r.environment.name, r.status]),
      [["production", "SUCCEEDED"]],
    );
    assert.ok((await t.db.prisma.resource.count()) >= 10);
  });
});
