// DR drills end to end on the simulator: the operation through the API and the reconciler, its
// measured RTO and RPO against the controlled clock, and the scratch instance deleted on every ending.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { restoreDurationMs } from "@fastier/cloud";
import {
  CloudError,
  type CloudPort,
  DRILL_DEADLINE_TAG,
  DRILL_SCRATCH_TAG,
  MAX_LOST_LEASES,
  PRIMARY_DB,
  REPLICA_DB,
  scratchIdentifierOf,
} from "@fastier/core";
import { createOperationStore } from "@fastier/db";
import { countingRestoresAndDeletes, crashInStep, scratchInstance } from "./helpers/drills.ts";
import { reconcilerFor, reconcileToEnd } from "./helpers/reconcile.ts";
import { sweepNow } from "./helpers/sweeps.ts";
import { type SyncedApp, syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";
import { TEST_START } from "./helpers/testApp.ts";

const TICK_MS = 30_000;
/** RDS's latest restorable time trails now by five minutes; the simulator models the same. */
const LATEST_RESTORABLE_LAG_S = 300;

interface OperationJson {
  id: string;
  status: string;
  step: string;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> | null;
  events: { type: string; step: string; message: string }[];
}

describe("DR drills", () => {
  let app: SyncedApp;
  let primaryId: string;
  const post = (url: string, payload: object, role: "viewer" | "operator" | "admin" = "operator") =>
    app.t.app.inject({ method: "POST", url, headers: app.t.auth(role), payload });
  const get = async (url: string) => {
    const response = await app.t.app.inject({ method: "GET", url, headers: app.t.auth("viewer") });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const getOperation = (id: string): Promise<OperationJson> => get(`/v1/operations/${id}`);
  const startDrill = async (payload: object = {}) => {
    const accepted = await post(`/v1/resources/${primaryId}/dr-drill`, payload);
    assert.equal(accepted.statusCode, 202, accepted.body);
    const id = accepted.json().id as string;
    return { id, scratch: scratchIdentifierOf(PRIMARY_DB, id) };
  };
  /** Ticks (30 simulated seconds apart) until the operation is in `step` or has ended. */
  const tickUntilStep = async (id: string, step: string, cloud: CloudPort = app.t.cloud) => {
    const reconciler = reconcilerFor(app.t, cloud);
    for (let i = 0; i < 200; i += 1) {
      const operation = await getOperation(id);
      if (operation.step === step || !["pending", "running"].includes(operation.status)) return operation;
      await reconciler.tick();
      app.t.clock.advance(TICK_MS);
    }
    throw new Error(`operation ${id} never reached step ${step}`);
  };
  const drillsOf = async () => (await get(`/v1/resources/${primaryId}/dr-drills`)).items;

  before(async () => {
    app = await syncedApp();
    const primary = await app.t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: PRIMARY_DB } });
    primaryId = primary.id;
  });
  after(() => app.t.close());
  beforeEach(async () => {
    // Each test starts with no drill holding the primary's lock.
    await app.t.db.prisma.operation.updateMany({
      where: { status: { in: ["PENDING", "RUNNING"] } },
      data: { status: "CANCELLED" },
    });
  });

  it("restores into a tagged scratch instance, measures RTO and RPO on the clock, deletes it, and keeps the numbers", async () => {
    const dryRun = await post(`/v1/resources/${primaryId}/dr-drill`, { dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    assert.match(
      dryRun.json().plan.summary,
      /scratch instance fastier-db-drill-<id>.*delete it without a final snapshot/,
    );
    assert.equal((await post(`/v1/resources/${primaryId}/dr-drill`, {}, "viewer")).statusCode, 403);

    const requestedAt = app.t.clock.now();
    assert.equal(requestedAt.getTime(), TEST_START.getTime());
    const { id, scratch } = await startDrill();
    const restoring = await tickUntilStep(id, "await_available");
    assert.equal(restoring.status, "running");
    const created = await scratchInstance(app.t.cloud, scratch);
    assert.equal(created?.status, "creating");
    assert.equal(created?.tags[DRILL_SCRATCH_TAG], id);
    assert.equal(created?.multiAz, false);

    await reconcileToEnd(app.t, id);
    const done = await getOperation(id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(await scratchInstance(app.t.cloud, scratch), null, "the scratch instance is gone");

    // The restore point is the latest restorable time at the first tick, at the request: 5 minutes back.
    const restorePoint = requestedAt.getTime() - LATEST_RESTORABLE_LAG_S * 1000;
    // The restore was asked for at the second tick; the first tick at or after its end saw it available.
    const restoreEnds = requestedAt.getTime() + TICK_MS + restoreDurationMs(restorePoint);
    const availableAt = Math.ceil((restoreEnds - requestedAt.getTime()) / TICK_MS) * TICK_MS + requestedAt.getTime();
    const expectedRto = (availableAt - requestedAt.getTime()) / 1000;
    assert.equal(done.result?.measuredRtoSeconds, expectedRto);
    assert.equal(done.result?.achievedRpoSeconds, LATEST_RESTORABLE_LAG_S);

    const [drill] = await drillsOf();
    assert.equal(drill.operationId, id);
    assert.equal(drill.outcome, "succeeded");
    assert.equal(drill.scratchIdentifier, scratch);
    assert.equal(drill.measuredRtoSeconds, expectedRto);
    assert.equal(drill.achievedRpoSeconds, LATEST_RESTORABLE_LAG_S);
    assert.equal(drill.requestedAt, requestedAt.toISOString());
    assert.equal(drill.restoredPointAt, new Date(restorePoint).toISOString());
    assert.equal(drill.availableAt, new Date(availableAt).toISOString());
    assert.equal(drill.checkPassed, true);
    // The simulator takes four minutes to delete.
    assert.ok(Date.parse(drill.deletedAt) - availableAt >= 4 * 60_000, drill.deletedAt);
  });

  it("refuses bad input naming the field, and a database without backups, and records nothing", async () => {
    const operationsBefore = await app.t.db.prisma.operation.count();
    for (const [payload, field] of [
      [{ pointInTime: "yesterday" }, "/pointInTime"],
      [{ pointInTime: "latest", restoreTime: "2026-11-25T11:00:00Z" }, "/restoreTime"],
    ] as const) {
      const refused = await post(`/v1/resources/${primaryId}/dr-drill`, payload);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().errors[0].field, field);
    }
    const [replica] = await app.t.cloud.databases.describeInstances([REPLICA_DB]);
    assert.equal(replica?.backupRetentionDays, 0, "the seeded replica keeps no automated backups");
    const replicaId = (await app.t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: REPLICA_DB } })).id;
    const noBackups = await post(`/v1/resources/${replicaId}/dr-drill`, {});
    assert.equal(noBackups.statusCode, 409, noBackups.body);
    assert.equal(noBackups.json().code, "no_restorable_time");
    assert.equal(await app.t.db.prisma.operation.count(), operationsBefore);
  });

  it("deletes the scratch instance after a failed check and says so", async () => {
    const { id, scratch } = await startDrill();
    // A cloud whose restores come back on another engine version: the check must catch it.
    const wrongVersion: CloudPort = {
      ...app.t.cloud,
      databases: {
        ...app.t.cloud.databases,
        describeInstances: async (ids) =>
          (await app.t.cloud.databases.describeInstances(ids)).map((db) =>
            db.identifier === scratch ? { ...db, engineVersion: "9.6.1" } : db,
          ),
      },
    };
    await reconcileToEnd(app.t, id, wrongVersion);
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "drill_check_failed");
    assert.match(done.error?.message ?? "", /engine version is 9\.6\.1, not 16\.\d+.*scratch instance .* deleted/);
    assert.equal(await scratchInstance(app.t.cloud, scratch), null);
    const [drill] = await drillsOf();
    assert.deepEqual(
      { outcome: drill.outcome, errorCode: drill.errorCode, checkPassed: drill.checkPassed },
      { outcome: "failed", errorCode: "drill_check_failed", checkPassed: false },
    );
    assert.ok(drill.deletedAt);
    assert.ok(drill.measuredRtoSeconds > 0, "the restore was still timed");
  });

  it("deletes the scratch instance when the drill is cancelled while it restores", async () => {
    const { id, scratch } = await startDrill();
    await tickUntilStep(id, "await_available");
    const cancel = await post(`/v1/operations/${id}/cancel`, {});
    assert.equal(cancel.statusCode, 202, cancel.body);
    await reconcileToEnd(app.t, id);
    const done = await getOperation(id);
    assert.equal(done.status, "cancelled");
    assert.ok(
      done.events.some((e) => e.type === "cancelled" && /scratch instance .* deleted/.test(e.message)),
      JSON.stringify(done.events),
    );
    assert.ok(!done.events.some((e) => /cancel came too late/.test(e.message)), "the cancel took effect");
    assert.equal(await scratchInstance(app.t.cloud, scratch), null);
    assert.equal((await drillsOf())[0].outcome, "cancelled");
  });

  it("deletes the scratch instance when the drill runs out of time, after its deadline", async () => {
    const { id, scratch } = await startDrill({ timeoutMinutes: 5 });
    await reconcileToEnd(app.t, id);
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "timed_out");
    assert.match(
      done.error?.message ?? "",
      /deadline of 5 min .* step delete_scratch undoes .*scratch instance .* deleted/,
    );
    assert.equal(await scratchInstance(app.t.cloud, scratch), null);
    const [drill] = await drillsOf();
    assert.deepEqual(
      { outcome: drill.outcome, errorCode: drill.errorCode },
      { outcome: "failed", errorCode: "timed_out" },
    );
  });

  it("ends a drill whose delete never gets going by the deadline plus the delete's grace, keeping what it measured", async () => {
    const { id, scratch } = await startDrill({ timeoutMinutes: 5 });
    // A cloud that keeps answering that the instance cannot be deleted yet.
    const neverDeletes: CloudPort = {
      ...app.t.cloud,
      databases: {
        ...app.t.cloud.databases,
        deleteInstanceWithoutSnapshot: async () => {
          throw new CloudError("invalid_state", "InvalidDBInstanceState: not now", { service: "rds" });
        },
      },
    };
    await reconcileToEnd(app.t, id, neverDeletes);
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "timed_out");
    assert.match(
      done.error?.message ?? "",
      new RegExp(`then delete_scratch failed: .*${scratch} may still exist and is billed`),
    );
    const row = await app.t.db.prisma.operation.findUniqueOrThrow({ where: { id } });
    assert.ok(
      row.finishedAt && row.finishedAt.getTime() >= row.deadlineAt.getTime() + 60 * 60_000,
      "the delete had its grace",
    );
    const [drill] = await drillsOf();
    assert.deepEqual(
      { operationId: drill.operationId, errorCode: drill.errorCode, deletedAt: drill.deletedAt },
      { operationId: id, errorCode: "timed_out", deletedAt: null },
    );
    // Timed out while restoring: the restore point is known, the recovery time is not.
    assert.equal(
      drill.restoredPointAt,
      new Date(Date.parse(drill.requestedAt) - LATEST_RESTORABLE_LAG_S * 1000).toISOString(),
    );
    assert.equal(drill.measuredRtoSeconds, null);
    await app.t.cloud.databases.deleteInstanceWithoutSnapshot(scratch);
  });

  it("survives a worker crash in every step: one restore, one delete, one history entry", async () => {
    const counted = countingRestoresAndDeletes(app.t.cloud);
    const { id, scratch } = await startDrill();
    const operations = createOperationStore(app.t.db);
    const crashedIn = new Set<string>();
    const reconciler = reconcilerFor(app.t, counted.cloud);
    for (let i = 0; i < 300; i += 1) {
      const operation = await operations.get(id);
      assert.ok(operation);
      if (!["pending", "running"].includes(operation.status)) break;
      if (!crashedIn.has(operation.step) && operation.nextAttemptAt <= app.t.clock.now()) {
        crashedIn.add(await crashInStep(app.t, id, counted.cloud));
      }
      await reconciler.tick();
      app.t.clock.advance(TICK_MS);
    }
    const done = await getOperation(id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.deepEqual([...crashedIn].sort(), ["await_available", "check", "choose", "delete_scratch", "restore"]);
    assert.deepEqual(counted.calls, { restore: 1, delete: 1 });
    assert.equal(await scratchInstance(app.t.cloud, scratch), null);
    assert.equal((await drillsOf()).filter((d: { operationId: string }) => d.operationId === id).length, 1);
  });

  it("still deletes the scratch instance when workers die in it too often", async () => {
    const { id, scratch } = await startDrill();
    await tickUntilStep(id, "await_available");
    for (let lost = 0; lost <= MAX_LOST_LEASES; lost += 1) await crashInStep(app.t, id);
    await reconcileToEnd(app.t, id);
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "worker_lost");
    assert.match(done.error?.message ?? "", /scratch instance .* deleted/);
    assert.equal(await scratchInstance(app.t.cloud, scratch), null);
  });

  it("reports a scratch instance its drill could not delete, once the drill's deadline has passed", async () => {
    const { id, scratch } = await startDrill({ timeoutMinutes: 60 });
    // A cloud that refuses deletes, as an account whose policy lacks rds:DeleteDBInstance would.
    const refusingDeletes: CloudPort = {
      ...app.t.cloud,
      databases: {
        ...app.t.cloud.databases,
        deleteInstanceWithoutSnapshot: async () => {
          throw new CloudError("access_denied", "not authorized to perform rds:DeleteDBInstance", {
            service: "rds",
            providerCode: "AccessDenied",
          });
        },
      },
    };
    await reconcileToEnd(app.t, id, refusingDeletes);
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "scratch_delete_refused");
    assert.match(done.error?.message ?? "", new RegExp(`the scratch instance ${scratch} still exists and is billed`));
    const [kept] = await drillsOf();
    assert.deepEqual(
      {
        operationId: kept.operationId,
        errorCode: kept.errorCode,
        deletedAt: kept.deletedAt,
        checkPassed: kept.checkPassed,
      },
      { operationId: id, errorCode: "scratch_delete_refused", deletedAt: null, checkPassed: true },
      "the drill's numbers are kept, and it says the scratch instance was not deleted",
    );
    const left = await scratchInstance(app.t.cloud, scratch);
    assert.equal(left?.status, "available");
    const deadline = Date.parse(left?.tags[DRILL_DEADLINE_TAG] ?? "");
    assert.equal(
      deadline,
      Date.parse((await app.t.db.prisma.operation.findUniqueOrThrow({ where: { id } })).deadlineAt.toISOString()) +
        60 * 60_000,
    );

    await syncFromCloud(app.t, app.envId);
    const scratchResource = await app.t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: scratch } });
    const openFor = async () =>
      (await get(`/v1/findings?resourceId=${scratchResource.id}&status=open`)).items.map(
        (f: { ruleId: string }) => f.ruleId,
      );
    await sweepNow(app.t);
    assert.deepEqual(await openFor(), [], "nothing before the drill's deadline, and no DR gaps for a scratch copy");

    app.t.clock.advance(deadline - app.t.clock.now().getTime() + 60_000);
    await syncFromCloud(app.t, app.envId);
    await sweepNow(app.t);
    assert.deepEqual(await openFor(), ["dr_drill_scratch_left_behind"]);
    const [finding] = (await get(`/v1/findings?resourceId=${scratchResource.id}&status=open`)).items;
    assert.match(finding.summary, new RegExp(`scratch instance of DR drill ${id}, left behind`));

    // Deleted by hand, the next sync marks it gone and the sweep resolves the finding.
    await app.t.cloud.databases.deleteInstanceWithoutSnapshot(scratch);
    app.t.clock.advance(5 * 60_000);
    await syncFromCloud(app.t, app.envId);
    await sweepNow(app.t);
    assert.deepEqual(await openFor(), []);
  });
});
