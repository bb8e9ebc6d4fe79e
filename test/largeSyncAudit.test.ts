import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DiscoveredResource, planSync, type Resource } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore } from "@fastier/db";
import { createTestDatabase, type TestDatabase } from "./helpers/testDatabase.ts";

const GROUPS = 50;
const PER_GROUP = 50;
const FIRST_SYNC = new Date("2026-11-24T17:00:00.000Z");
const SECOND_SYNC = new Date("2026-11-24T17:05:00.000Z");
const AUDIT = { actor: { keyId: null, name: "system:sync", role: "admin" as const }, requestId: "req-large-sync" };

const json = (value: unknown) => JSON.parse(JSON.stringify(value));

function group(g: number): DiscoveredResource {
  return {
    kind: "auto_scaling_group",
    cloudId: `fleet-${g}`,
    name: `fleet-${g}`,
    region: "us-east-1",
    availabilityZones: ["us-east-1b", "us-east-1a"],
    tags: { app: "fastier-web" },
    attributes: { healthCheckType: "ELB" },
    status: "active",
    instanceType: "t3.medium",
    capacity: { minSize: 2, maxSize: PER_GROUP, desiredCapacity: PER_GROUP },
    parentCloudId: null,
    database: null,
    pipeline: null,
  };
}

function instance(g: number, n: number, overrides: Partial<DiscoveredResource> = {}): DiscoveredResource {
  return {
    kind: "instance",
    cloudId: `i-${(g * 1000 + n).toString(16).padStart(17, "0")}`,
    name: `fleet-${g}-${n}`,
    region: "us-east-1",
    availabilityZones: [n % 2 ? "us-east-1a" : "us-east-1b"],
    tags: { app: "fastier-web", "aws:autoscaling:groupName": `fleet-${g}` },
    attributes: { lifecycleState: "InService" },
    status: "active",
    instanceType: "t3.medium",
    capacity: null,
    parentCloudId: `fleet-${g}`,
    database: null,
    pipeline: null,
    ...overrides,
  };
}

function database(latest: Date): DiscoveredResource {
  return {
    ...group(0),
    kind: "db_instance",
    cloudId: "fastier-db",
    name: "fastier-db",
    capacity: null,
    instanceType: "db.t3.medium",
    database: {
      role: "primary",
      engine: "postgres",
      engineVersion: "16.4",
      sourceDbIdentifier: null,
      multiAz: true,
      backupRetentionDays: 7,
      earliestRestorableTime: new Date("2026-11-17T17:00:00.000Z"),
      latestRestorableTime: latest,
    },
  };
}

/**
 * The sync's writes are set-based; the audit trail they leave must be the one
 * that one write per resource left: one event per created, drifted and gone
 * resource, in plan order, with the same before and after documents, and
 * none for unchanged resources, moved restorable times or new parent links.
 */
describe("a large sync's audit trail", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  const sync = async (environmentId: string, discovered: DiscoveredResource[], now: Date) => {
    const syncs = createPrismaSyncStore(db);
    const run = await syncs.startRun(environmentId, "manual");
    let plan: ReturnType<typeof planSync> | undefined;
    const finished = await syncs.applySync(
      run.id,
      environmentId,
      (inventory) => {
        plan = planSync(inventory, discovered, new Set());
        return plan;
      },
      AUDIT,
      now,
      [],
    );
    return { finished, plan: plan as ReturnType<typeof planSync> };
  };
  const eventsAfter = async (id: number) =>
    (
      await db.pool.query(
        `SELECT id::int, action, target_type, target_id, before, after, actor_key_id, actor_name, request_id
           FROM audit_events WHERE id > $1 ORDER BY id`,
        [id],
      )
    ).rows;
  const lastEventId = async () =>
    (await db.pool.query("SELECT coalesce(max(id), 0)::int AS id FROM audit_events")).rows[0].id as number;

  it("writes the same events, in plan order, as one write per resource did", async () => {
    const inventory = createInventoryStore(db);
    const environment = await inventory.createEnvironment({ name: "fleet", region: "us-east-1" }, AUDIT);
    const fleet = (shape: (g: number, n: number) => DiscoveredResource | null) =>
      Array.from({ length: GROUPS }, (_, g) => [
        group(g),
        ...Array.from({ length: PER_GROUP }, (_, n) => shape(g, n)).filter((r) => r !== null),
      ]).flat();

    // First sync: everything is new.
    const first = fleet((g, n) => instance(g, n));
    first.push(database(new Date("2026-11-24T16:55:00.000Z")));
    const start = await lastEventId();
    const created = await sync(environment.id, first, FIRST_SYNC);
    assert.equal(created.finished.created, first.length);
    const discoverEvents = await eventsAfter(start);
    assert.equal(discoverEvents.length, first.length, "one resource.discover event per created resource");
    const byCloudId = new Map<string, Resource>();
    for (const resource of (
      await inventory.listResources({ environmentId: environment.id, sort: "name", limit: 5_000 })
    ).items) {
      byCloudId.set(resource.cloudId, resource);
    }
    discoverEvents.forEach((event, index) => {
      const desired = created.plan.create[index]!;
      assert.equal(event.action, "resource.discover");
      assert.equal(event.target_id, byCloudId.get(desired.cloudId)?.id, "events follow the plan's order");
      assert.equal(event.before, null);
      assert.deepEqual(
        event.after,
        json({ kind: desired.kind, cloudId: desired.cloudId, name: desired.name, ...desired.spec }),
      );
      assert.deepEqual(
        [event.actor_key_id, event.actor_name, event.request_id],
        [null, "system:sync", "req-large-sync"],
      );
    });
    for (let g = 0; g < GROUPS; g++) {
      assert.equal(byCloudId.get(instance(g, 0).cloudId)?.parentId, byCloudId.get(`fleet-${g}`)?.id);
    }

    // Second sync: drift on every fifth instance, every seventh gone, the last of a group moved to the next group,
    // and the database's restorable times moving on (not drift).
    const isGone = (n: number) => n % 7 === 3;
    const drifts = (n: number) => n % 5 === 0;
    const moves = (n: number) => n === PER_GROUP - 1;
    const second = fleet((g, n) => {
      if (isGone(n)) return null;
      if (drifts(n)) return instance(g, n, { instanceType: "t3.large" });
      if (moves(n)) return instance(g, n, { parentCloudId: `fleet-${(g + 1) % GROUPS}` });
      return instance(g, n);
    });
    const latest = new Date("2026-11-24T17:00:00.000Z");
    second.push(database(latest));
    const beforeSecond = new Map<string, Resource>();
    for (const resource of byCloudId.values()) beforeSecond.set(resource.id, resource);
    const mark = await lastEventId();
    const synced = await sync(environment.id, second, SECOND_SYNC);
    const positions = Array.from({ length: PER_GROUP }, (_, n) => n);
    const driftCount = GROUPS * positions.filter((n) => drifts(n) && !isGone(n)).length;
    const goneCount = GROUPS * positions.filter(isGone).length;
    assert.deepEqual(
      [synced.finished.updated, synced.finished.markedGone, synced.finished.created],
      [driftCount, goneCount, 0],
    );

    const events = await eventsAfter(mark);
    assert.deepEqual(
      events.map((event) => event.action),
      [...Array(driftCount).fill("resource.drift"), ...Array(goneCount).fill("resource.gone")],
      "a drift event per drifted resource, then a gone event per vanished one, and nothing else",
    );
    for (const [index, { current, changes }] of synced.plan.update.entries()) {
      const event = events[index];
      const now = await inventory.getResource(current.id);
      assert.equal(event.target_id, current.id);
      assert.deepEqual(event.before, json(beforeSecond.get(current.id)));
      assert.deepEqual(event.after, json({ ...now, changes: changes.map((change) => change.field) }));
      assert.equal(now?.version, (beforeSecond.get(current.id)?.version ?? 0) + 1);
      assert.equal(now?.instanceType, "t3.large");
    }
    for (const [index, resource] of synced.plan.markGone.entries()) {
      const event = events[driftCount + index];
      assert.equal(event.target_id, resource.id);
      assert.deepEqual(event.before, json(beforeSecond.get(resource.id)));
      assert.deepEqual(event.after, { status: "gone", goneAt: SECOND_SYNC.toISOString() });
      const now = await inventory.getResource(resource.id);
      assert.deepEqual([now?.status, now?.goneAt?.toISOString()], ["gone", SECOND_SYNC.toISOString()]);
    }

    const moved = await inventory.getResource(byCloudId.get(instance(0, PER_GROUP - 1).cloudId)!.id);
    assert.equal(moved?.parentId, byCloudId.get("fleet-1")?.id, "a new parent is linked without an event");
    assert.equal(moved?.version, 1);
    assert.equal(moved?.lastSyncedAt?.toISOString(), SECOND_SYNC.toISOString());
    const db0 = await inventory.getResource(byCloudId.get("fastier-db")!.id);
    assert.equal(db0?.database?.latestRestorableTime?.toISOString(), latest.toISOString());
    assert.equal(db0?.version, 1, "moving restorable times are stored, not counted as drift");
  });
});
