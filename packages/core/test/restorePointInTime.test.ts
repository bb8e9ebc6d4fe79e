import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import { type CloudPort, type ConflictError, PRIMARY_DB, REPLICA_DB, type ValidationError } from "../src/index.ts";
import { type RestorePointInTimeParams, restorePointInTime } from "../src/operations/kinds/restorePointInTime.ts";
import { countingDatabaseCalls, dbTarget, resumeOperation } from "./helpers/rdsTargets.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe("restore an RDS instance to a point in time (state machine on the simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let cloud: CloudPort;
  let accounts = 0;
  const source = dbTarget(PRIMARY_DB);

  const freshCloud = (): CloudPort => {
    accounts += 1;
    return createSimCloud({ pool: db.pool, clock, accountId: `restore-${accounts}` });
  };
  const plan = (params: Partial<RestorePointInTimeParams>, on: CloudPort = cloud) =>
    restorePointInTime.plan({
      target: source,
      params: { targetIdentifier: "fastier-db-restored", ...params },
      cloud: on,
      now: clock.now(),
    });
  const ago = (ms: number) => new Date(clock.now().getTime() - ms).toISOString();
  const problemsOf = (error: ValidationError) => error.problems.map((p) => `${p.field} ${p.rule}`);

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
    cloud = freshCloud();
  });
  after(() => db.drop());

  it("plans the new instance, its class, Multi-AZ and the time, and shows the restorable window", async () => {
    const restoreTime = ago(60 * MINUTE);
    const result = await plan({ restoreTime, instanceClass: "db.r6g.large", multiAz: true });
    assert.deepEqual(result.changes, [
      { field: "dbInstanceIdentifier", from: null, to: "fastier-db-restored" },
      { field: "instanceClass", from: null, to: "db.r6g.large" },
      { field: "multiAz", from: null, to: true },
      { field: "restoreTime", from: null, to: restoreTime },
    ]);
    // The simulator's primary keeps 7 days of backups and the latest restorable time trails now by 5 minutes.
    assert.equal(
      result.checks.find((check) => check.name === "restorable window")?.detail,
      `earliest ${ago(7 * DAY)}, latest ${ago(5 * MINUTE)}`,
    );
    const withOffset = await plan({ restoreTime: "2026-11-25T13:00:00+02:00" });
    assert.equal(withOffset.changes.at(-1)?.to, "2026-11-25T11:00:00.000Z", "an offset names the same instant in UTC");
    const defaults = await plan({ useLatestRestorableTime: true });
    assert.deepEqual(defaults.changes.slice(1), [
      { field: "instanceClass", from: null, to: "db.t3.medium" },
      { field: "multiAz", from: null, to: false },
      { field: "restoreTime", from: null, to: "latest restorable time" },
    ]);
  });

  it("requires exactly one of restoreTime and useLatestRestorableTime, naming both", async () => {
    for (const params of [{}, { restoreTime: ago(60 * MINUTE), useLatestRestorableTime: true }]) {
      await assert.rejects(
        plan(params),
        (error: ValidationError) =>
          JSON.stringify(problemsOf(error)) ===
          JSON.stringify(["/restoreTime exactly_one", "/useLatestRestorableTime exactly_one"]),
        JSON.stringify(params),
      );
    }
  });

  it("refuses a malformed restore time, or one without an offset", async () => {
    for (const restoreTime of ["yesterday", "2026-02-30T10:00:00Z", "2026-11-25T11:00:00", "2026-11-25"]) {
      await assert.rejects(
        plan({ restoreTime }),
        (error: ValidationError) => problemsOf(error).join() === "/restoreTime format",
        restoreTime,
      );
    }
  });

  it("refuses a restore time in the future", async () => {
    await assert.rejects(
      plan({ restoreTime: new Date(clock.now().getTime() + MINUTE).toISOString() }),
      (error: ValidationError) =>
        problemsOf(error).join() === "/restoreTime not_in_future" && /is in the future/.test(error.message),
    );
  });

  it("refuses a time before the earliest or after the latest restorable time, giving both", async () => {
    const earliest = ago(7 * DAY);
    const latest = ago(5 * MINUTE);
    for (const restoreTime of [ago(7 * DAY + MINUTE), ago(2 * MINUTE)]) {
      await assert.rejects(
        plan({ restoreTime }),
        (error: ValidationError) =>
          error.code === "restore_time_outside_window" &&
          problemsOf(error).join() === "/restoreTime restore_window" &&
          error.message.includes(`earliest restorable time ${earliest}, latest restorable time ${latest}`) &&
          error.details.earliestRestorableTime === earliest &&
          error.details.latestRestorableTime === latest &&
          error.details.restoreTime === restoreTime,
        restoreTime,
      );
    }
  });

  it("refuses a target identifier RDS would refuse", async () => {
    for (const targetIdentifier of ["1restored", "restored--db", "restored-", "restored_db", "", "a".repeat(64)]) {
      await assert.rejects(
        plan({ targetIdentifier, useLatestRestorableTime: true }),
        (error: ValidationError) => problemsOf(error).join() === "/targetIdentifier rds_identifier",
        targetIdentifier,
      );
    }
  });

  it("refuses a target identifier that is taken", async () => {
    await assert.rejects(
      plan({ targetIdentifier: REPLICA_DB, useLatestRestorableTime: true }),
      (error: ConflictError) => error.code === "target_exists" && error.details.targetIdentifier === REPLICA_DB,
    );
  });

  it("refuses a source without automated backups", async () => {
    await assert.rejects(
      restorePointInTime.plan({
        target: dbTarget(REPLICA_DB),
        params: { targetIdentifier: "replica-copy", useLatestRestorableTime: true },
        cloud,
        now: clock.now(),
      }),
      (error: ConflictError) => error.code === "no_restorable_time",
    );
  });

  it("restores into a new instance, waits until it is available, and adds it to the inventory", async () => {
    const params = {
      targetIdentifier: "Fastier-DB-Restored",
      restoreTime: ago(60 * MINUTE),
      instanceClass: "db.r6g.large",
      multiAz: true,
    };
    const result = await driveOperation(restorePointInTime, source, params, cloud, clock);
    assert.equal(result.final.type, "succeeded");
    const waits = result.outcomes.filter((o) => o.type === "wait");
    assert.ok(waits.length > 0, "the restore took a while");
    assert.ok(waits.every((o) => o.type === "wait" && o.data?.status === "creating"));
    if (result.final.type !== "succeeded") return;
    const [restored] = await cloud.databases.describeInstances(["fastier-db-restored"]);
    assert.equal(restored?.status, "available");
    assert.deepEqual(result.final.inventory?.updates, []);
    assert.deepEqual(result.final.inventory?.creates, [
      {
        kind: "db_instance",
        name: "fastier-db-restored",
        cloudId: "fastier-db-restored",
        spec: {
          status: "active",
          region: source.region,
          availabilityZones: [restored?.availabilityZone],
          tags: {},
          instanceType: "db.r6g.large",
          database: {
            role: "standalone",
            engine: "postgres",
            engineVersion: "16.4",
            sourceDbIdentifier: null,
            multiAz: true,
            backupRetentionDays: 7,
            earliestRestorableTime: restored?.earliestRestorableTime,
            latestRestorableTime: restored?.latestRestorableTime,
          },
        },
      },
    ]);
    await assert.rejects(plan({ targetIdentifier: "fastier-db-restored", useLatestRestorableTime: true }), {
      code: "target_exists",
    });
  });

  it("does not restore twice when the act step runs again after a crash", async () => {
    const counting = countingDatabaseCalls(freshCloud(), "restoreToPointInTime");
    const params = { targetIdentifier: "crash-copy", useLatestRestorableTime: true };
    await restorePointInTime.plan({ target: source, params, cloud: counting.cloud, now: clock.now() });
    const operation = storedOperation(restorePointInTime, source, params, clock.now());
    const first = await restorePointInTime.step({ operation, target: source, cloud: counting.cloud, now: clock.now() });
    assert.equal(first.type, "advance");
    assert.equal(counting.calls(), 1);
    // The worker crashed before saving that outcome: the operation is still at `act` and runs it again.
    const outcomes = await resumeOperation(restorePointInTime, operation, source, counting.cloud, clock);
    assert.match(
      outcomes[0]?.type === "advance" ? outcomes[0].message : "",
      /crash-copy is already being restored \(creating\)/,
    );
    assert.equal(outcomes.at(-1)?.type, "succeeded");
    assert.equal(counting.calls(), 1, "the cloud saw one restore");
  });

  it("does not take over an instance that existed before the operation", async () => {
    const counting = countingDatabaseCalls(freshCloud(), "restoreToPointInTime");
    const params = { targetIdentifier: REPLICA_DB, useLatestRestorableTime: true };
    const operation = storedOperation(restorePointInTime, source, params, clock.now());
    const outcome = await restorePointInTime.step({
      operation,
      target: source,
      cloud: counting.cloud,
      now: clock.now(),
    });
    assert.equal(outcome.type, "failed");
    assert.equal(outcome.type === "failed" ? outcome.code : "", "target_exists");
    assert.equal(counting.calls(), 0);
  });
});
