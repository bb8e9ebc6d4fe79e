import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PRIMARY_DB, REPLICA_DB, SYSTEM_ACTOR, syncEnvironment } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore } from "@fastier/db";
import { reconcilerFor, reconcileToEnd } from "./helpers/reconcile.ts";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

const SYSTEM = { actor: SYSTEM_ACTOR, requestId: null };

describe("every operation kind through the API, to its verified end state", () => {
  let t: TestApp;
  let envId: string;
  const ids: Record<string, string> = {};

  const post = (path: string, payload: object, role: "operator" | "admin" = "operator") =>
    t.app.inject({ method: "POST", url: `/v1/resources/${path}`, headers: t.auth(role), payload });
  const operation = async (id: string) =>
    (await t.app.inject({ method: "GET", url: `/v1/operations/${id}`, headers: t.auth("viewer") })).json();
  const runToEnd = async (id: string) => {
    await reconcileToEnd(t, id);
    return operation(id);
  };

  before(async () => {
    t = await createTestApp();
    const inventory = createInventoryStore(t.db);
    const env = await inventory.createEnvironment({ name: "production", region: "us-east-1" }, SYSTEM);
    envId = env.id;
    await syncEnvironment(
      { cloud: t.cloud, inventory, syncs: createPrismaSyncStore(t.db), now: () => t.clock.now() },
      env.id,
      "api",
      SYSTEM,
    );
    for (const resource of await t.db.prisma.resource.findMany()) ids[resource.cloudId] = resource.id;
  });
  after(() => t.close());

  it("deploys through the pipeline stage by stage", async () => {
    const pipeline = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "PIPELINE" } });
    const accepted = await post(`${pipeline.id}/deployments`, { reason: "release 42" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const stages = done.events.map((e: { message: string }) => e.message).join("\n");
    assert.match(stages, /Source[\s\S]*Build[\s\S]*Deploy/);
  });

  it("stops a running deployment while it runs (the stop is not blocked by the target lock)", async () => {
    const pipeline = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "PIPELINE" } });
    const started = (await post(`${pipeline.id}/deployments`, {})).json();
    const reconciler = reconcilerFor(t);
    // The health gate's baseline, then the start.
    await reconciler.tick();
    await reconciler.tick();
    const executionId = (await operation(started.id)).state.executionId;
    assert.ok(executionId, "the start operation shows its execution id");
    const stop = await post(`${pipeline.id}/deployments/stop`, { executionId, abandon: true });
    assert.equal(stop.statusCode, 202, stop.body);
    const stopped = await runToEnd(stop.json().id);
    assert.equal(stopped.status, "succeeded");
    const followed = await runToEnd(started.id);
    assert.equal(followed.status, "failed");
    assert.equal(followed.error.code, "deployment_stopped");
  });

  it("says so when a cancel comes too late, and runs the deploy to its end", async () => {
    const pipeline = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "PIPELINE" } });
    const started = (await post(`${pipeline.id}/deployments`, {})).json();
    // The health gate's baseline, then the start: past the last step a cancel can stop.
    await reconcilerFor(t).tick();
    await reconcilerFor(t).tick();
    const cancel = await t.app.inject({
      method: "POST",
      url: `/v1/operations/${started.id}/cancel`,
      headers: t.auth("operator"),
    });
    assert.equal(cancel.statusCode, 202);
    const done = await runToEnd(started.id);
    assert.equal(done.status, "succeeded");
    const tooLate = done.events.filter((e: { message: string }) => e.message.startsWith("cancel came too late"));
    assert.equal(tooLate.length, 1, "said once");
  });

  it("refuses promotion of the primary, and without the right confirmation", async () => {
    const primary = await post(`${ids[PRIMARY_DB]}/promote`, { confirm: PRIMARY_DB }, "admin");
    assert.equal(primary.statusCode, 409);
    const unconfirmed = await post(`${ids[REPLICA_DB]}/promote`, { confirm: "yes" }, "admin");
    assert.equal(unconfirmed.statusCode, 400);
    assert.equal(unconfirmed.json().errors[0].field, "/confirm");
    const operator = await post(`${ids[REPLICA_DB]}/promote`, { confirm: REPLICA_DB }, "operator");
    assert.equal(operator.statusCode, 403, "promotion is for admins");
    assert.equal(await t.db.prisma.operation.count({ where: { kind: "PROMOTE_REPLICA" } }), 0);
  });

  it("restores to a point in time as a new instance, refusing a time outside the window", async () => {
    const future = await post(
      `${ids[PRIMARY_DB]}/restore`,
      {
        targetIdentifier: "fastier-db-restored",
        restoreTime: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      },
      "admin",
    );
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().errors[0].field, "/restoreTime");
    const accepted = await post(
      `${ids[PRIMARY_DB]}/restore`,
      { targetIdentifier: "fastier-db-restored", useLatestRestorableTime: true },
      "admin",
    );
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const restored = await t.db.prisma.resource.findFirst({ where: { cloudId: "fastier-db-restored" } });
    assert.equal(restored?.kind, "DB_INSTANCE");
    // The primary is Multi-AZ: the restore is too, in the primary's network, without being asked.
    assert.deepEqual(done.plan.settings.multiAz, { value: true, from: "source" });
    const [copy] = await t.cloud.databases.describeInstances(["fastier-db-restored"]);
    assert.deepEqual(
      [
        copy?.multiAz,
        copy?.dbSubnetGroupName,
        copy?.vpcSecurityGroupIds,
        copy?.dbParameterGroupName,
        copy?.storageType,
      ],
      [true, "fastier-db-subnets", ["sg-0fa57db0000000001"], "fastier-postgres16", "gp3"],
    );
    assert.deepEqual([done.result.multiAz, done.result.warnings], [true, []]);
  });

  it("restores with the settings the request overrides, and shows where each came from", async () => {
    const body = {
      targetIdentifier: "fastier-db-scratch",
      useLatestRestorableTime: true,
      multiAz: false,
      instanceClass: "db.r6g.large",
      vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
      storageType: "io1",
    };
    const dryRun = await post(`${ids[PRIMARY_DB]}/restore`, { ...body, dryRun: true }, "admin");
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(dryRun.json().plan.settings as Record<string, { from: string }>).map(([k, v]) => [k, v.from]),
      ),
      {
        multiAz: "request",
        instanceClass: "request",
        dbSubnetGroupName: "source",
        vpcSecurityGroupIds: "request",
        dbParameterGroupName: "source",
        storageType: "request",
      },
    );
    const accepted = await post(`${ids[PRIMARY_DB]}/restore`, body, "admin");
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const [copy] = await t.cloud.databases.describeInstances(["fastier-db-scratch"]);
    assert.deepEqual(
      [copy?.multiAz, copy?.instanceClass, copy?.vpcSecurityGroupIds, copy?.storageType, copy?.dbSubnetGroupName],
      [false, "db.r6g.large", ["sg-0123456789abcdef0"], "io1", "fastier-db-subnets"],
    );
  });

  it("takes a snapshot and lists it", async () => {
    const accepted = await post(`${ids[PRIMARY_DB]}/snapshots`, { snapshotIdentifier: "before-migration" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.equal((await runToEnd(accepted.json().id)).status, "succeeded");
    const list = await t.app.inject({
      method: "GET",
      url: `/v1/resources/${ids[PRIMARY_DB]}/snapshots`,
      headers: t.auth("viewer"),
    });
    assert.equal(list.statusCode, 200);
    const snapshot = list.json().items.find((s: { identifier: string }) => s.identifier === "before-migration");
    assert.equal(snapshot?.status, "available");
  });

  it("promotes the replica to a standalone instance and updates the inventory", async () => {
    const accepted = await post(`${ids[REPLICA_DB]}/promote`, { confirm: REPLICA_DB }, "admin");
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const replica = await t.app.inject({
      method: "GET",
      url: `/v1/resources/${ids[REPLICA_DB]}`,
      headers: t.auth("viewer"),
    });
    assert.equal(replica.json().database.role, "standalone");
  });

  it("reports DR readiness, with the missing replica as a gap after promotion", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: `/v1/environments/${envId}/dr-readiness`,
      headers: t.auth("viewer"),
    });
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json();
    const primary = report.databases.find((d: { identifier: string }) => d.identifier === PRIMARY_DB);
    assert.equal(primary.multiAz, true);
    assert.ok(primary.gaps.some((g: { code: string }) => g.code === "no_read_replica"));
    assert.notEqual(report.status, "ready");
  });
});

describe("refused operation requests", () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let mutatingCalls = 0;

  before(async () => {
    t = await createTestApp();
    const inventory = createInventoryStore(t.db);
    const env = await inventory.createEnvironment({ name: "production", region: "us-east-1" }, SYSTEM);
    await syncEnvironment(
      { cloud: t.cloud, inventory, syncs: createPrismaSyncStore(t.db), now: () => t.clock.now() },
      env.id,
      "api",
      SYSTEM,
    );
    for (const resource of await t.db.prisma.resource.findMany()) ids[resource.cloudId] = resource.id;
    // Count every call that would change the cloud: a refusal must make none.
    for (const area of [t.cloud.autoScaling, t.cloud.databases, t.cloud.pipelines] as unknown as Record<
      string,
      unknown
    >[]) {
      for (const [name, fn] of Object.entries(area)) {
        if (typeof fn !== "function" || /^(describe|list|get)/.test(name)) continue;
        area[name] = (...args: unknown[]) => {
          mutatingCalls += 1;
          return (fn as (...a: unknown[]) => unknown)(...args);
        };
      }
    }
  });
  after(() => t.close());

  const refusals: { name: string; path: () => string; body: object; status: number; code: string; field?: string }[] = [
    {
      name: "unknown target",
      path: () => "00000000-0000-4000-8000-000000000000/scale",
      body: { desiredCapacity: 3 },
      status: 404,
      code: "resource_not_found",
    },
    {
      name: "wrong kind of resource",
      path: () => `${ids[PRIMARY_DB]}/scale`,
      body: { desiredCapacity: 3 },
      status: 400,
      code: "wrong_target_kind",
      field: "/id",
    },
    {
      name: "capacity outside the limits",
      path: () => `${ids[Object.keys(ids).find((k) => k.startsWith("awseb")) as string]}/scale`,
      body: { desiredCapacity: 7 },
      status: 400,
      code: "capacity_out_of_limits",
      field: "/desiredCapacity",
    },
    {
      name: "restore time in the future",
      path: () => `${ids[PRIMARY_DB]}/restore`,
      body: { targetIdentifier: "r1", restoreTime: "2099-01-01T00:00:00Z" },
      status: 400,
      code: "validation_failed",
      field: "/restoreTime",
    },
    {
      name: "restore time before the earliest restorable time",
      path: () => `${ids[PRIMARY_DB]}/restore`,
      body: { targetIdentifier: "r1", restoreTime: "2020-01-01T00:00:00Z" },
      status: 400,
      code: "restore_time_outside_window",
      field: "/restoreTime",
    },
    {
      name: "malformed restore time",
      path: () => `${ids[PRIMARY_DB]}/restore`,
      body: { targetIdentifier: "r1", restoreTime: "yesterday" },
      status: 400,
      code: "validation_failed",
      field: "/restoreTime",
    },
    {
      name: "a security group that is not one",
      path: () => `${ids[PRIMARY_DB]}/restore`,
      body: { targetIdentifier: "r1", useLatestRestorableTime: true, vpcSecurityGroupIds: ["default"] },
      status: 400,
      code: "validation_failed",
      field: "/vpcSecurityGroupIds/0",
    },
    {
      name: "an unknown storage type",
      path: () => `${ids[PRIMARY_DB]}/restore`,
      body: { targetIdentifier: "r1", useLatestRestorableTime: true, storageType: "ssd" },
      status: 400,
      code: "validation_failed",
      field: "/storageType",
    },
    {
      name: "missing confirmation",
      path: () => `${ids[REPLICA_DB]}/promote`,
      body: {},
      status: 400,
      code: "validation_failed",
      field: "/confirm",
    },
    {
      name: "promote of a primary",
      path: () => `${ids[PRIMARY_DB]}/promote`,
      body: { confirm: PRIMARY_DB },
      status: 409,
      code: "not_a_replica",
    },
    {
      name: "duplicate target id",
      path: () => `${ids[PRIMARY_DB]}/restore`,
      body: { targetIdentifier: REPLICA_DB, useLatestRestorableTime: true },
      status: 409,
      code: "target_exists",
    },
  ];

  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with a problem naming the rule, recording and calling nothing`, async () => {
      const response = await t.app.inject({
        method: "POST",
        url: `/v1/resources/${refusal.path()}`,
        headers: t.auth("admin"),
        payload: refusal.body,
      });
      assert.equal(response.statusCode, refusal.status, response.body);
      assert.match(String(response.headers["content-type"]), /application\/problem\+json/);
      assert.equal(response.json().code, refusal.code);
      if (refusal.field) assert.equal(response.json().errors[0].field, refusal.field);
      assert.equal(await t.db.prisma.operation.count(), 0);
      assert.equal(mutatingCalls, 0);
    });
  }

  it("enforces one active operation per target in the database itself", async () => {
    const row = (id: string) => ({
      kind: "SCALE" as const,
      environmentId: "00000000-0000-4000-8000-000000000001",
      targetResourceId: id,
      params: {},
      plan: {},
      step: "act",
      requestedByName: "test",
      requestHash: "x".repeat(64),
      deadlineAt: new Date(),
    });
    const target = "00000000-0000-4000-8000-000000000002";
    await t.db.prisma.operation.create({ data: row(target) });
    await assert.rejects(t.db.prisma.operation.create({ data: row(target) }), /Unique constraint/);
    await t.db.prisma.operation.updateMany({ where: { targetResourceId: target }, data: { status: "SUCCEEDED" } });
    await t.db.prisma.operation.create({ data: row(target) });
  });
});
