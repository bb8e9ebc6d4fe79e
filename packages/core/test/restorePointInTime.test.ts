import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import {
  CloudError,
  type CloudPort,
  type ConflictError,
  PRIMARY_DB,
  REPLICA_DB,
  type StepOutcome,
  type ValidationError,
} from "../src/index.ts";
import { type RestorePointInTimeParams, restorePointInTime } from "../src/operations/kinds/restorePointInTime.ts";
import {
  cloudIgnoringRestoreSettings,
  countingDatabaseCalls,
  dbTarget,
  resumeOperation,
} from "./helpers/rdsTargets.ts";

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

  it("plans the new instance with the source's settings, each overridable, and shows the restorable window", async () => {
    const restoreTime = ago(60 * MINUTE);
    const result = await plan({ restoreTime, instanceClass: "db.r6g.large", multiAz: false, storageType: "io1" });
    assert.deepEqual(result.changes, [
      { field: "dbInstanceIdentifier", from: null, to: "fastier-db-restored" },
      { field: "instanceClass", from: null, to: "db.r6g.large" },
      { field: "multiAz", from: null, to: false },
      { field: "dbSubnetGroupName", from: null, to: "fastier-db-subnets" },
      { field: "vpcSecurityGroupIds", from: null, to: ["sg-0fa57db0000000001"] },
      { field: "dbParameterGroupName", from: null, to: "fastier-postgres16" },
      { field: "storageType", from: null, to: "io1" },
      { field: "restoreTime", from: null, to: restoreTime },
    ]);
    assert.deepEqual(result.settings, {
      multiAz: { value: false, from: "request" },
      instanceClass: { value: "db.r6g.large", from: "request" },
      dbSubnetGroupName: { value: "fastier-db-subnets", from: "source" },
      vpcSecurityGroupIds: { value: ["sg-0fa57db0000000001"], from: "source" },
      dbParameterGroupName: { value: "fastier-postgres16", from: "source" },
      storageType: { value: "io1", from: "request" },
    });
    assert.match(result.summary, /new Single-AZ db\.r6g\.large instance .* except multiAz, instanceClass, storageType/);
    // The simulator's primary keeps 7 days of backups and the latest restorable time trails now by 5 minutes.
    assert.equal(
      result.checks.find((check) => check.name === "restorable window")?.detail,
      `earliest ${ago(7 * DAY)}, latest ${ago(5 * MINUTE)}`,
    );
    const withOffset = await plan({ restoreTime: "2026-11-25T13:00:00+02:00" });
    assert.equal(withOffset.changes.at(-1)?.to, "2026-11-25T11:00:00.000Z", "an offset names the same instant in UTC");
  });

  it("defaults every setting to the source's: a Multi-AZ primary restores Multi-AZ", async () => {
    const defaults = await plan({ useLatestRestorableTime: true });
    assert.deepEqual(defaults.settings, {
      multiAz: { value: true, from: "source" },
      instanceClass: { value: "db.t3.medium", from: "source" },
      dbSubnetGroupName: { value: "fastier-db-subnets", from: "source" },
      vpcSecurityGroupIds: { value: ["sg-0fa57db0000000001"], from: "source" },
      dbParameterGroupName: { value: "fastier-postgres16", from: "source" },
      storageType: { value: "gp3", from: "source" },
    });
    assert.match(
      defaults.summary,
      /new Multi-AZ db\.t3\.medium instance fastier-db-restored with fastier-db's settings;/,
    );
  });

  // The request's schema refuses these before the kind plans, naming each field.
  it("refuses settings RDS would refuse, naming each field", async () => {
    await assert.rejects(
      plan({
        useLatestRestorableTime: true,
        instanceClass: "r6g.large",
        dbSubnetGroupName: "bad/name",
        vpcSecurityGroupIds: ["sg-1", "default"],
        dbParameterGroupName: "-params",
        storageType: "ssd" as never,
        multiAz: "yes" as never,
      }),
      (error: ValidationError) =>
        problemsOf(error).join() ===
        [
          "/instanceClass pattern",
          "/multiAz type",
          "/dbSubnetGroupName pattern",
          "/vpcSecurityGroupIds/0 pattern",
          "/vpcSecurityGroupIds/1 pattern",
          "/dbParameterGroupName pattern",
          "/storageType enum",
        ].join(),
    );
    await assert.rejects(
      plan({ useLatestRestorableTime: true, vpcSecurityGroupIds: [] }),
      (error: ValidationError) => problemsOf(error).join() === "/vpcSecurityGroupIds minItems",
    );
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
    for (const targetIdentifier of ["1restored", "restored--db", "restored-", "restored_db"]) {
      await assert.rejects(
        plan({ targetIdentifier, useLatestRestorableTime: true }),
        (error: ValidationError) => problemsOf(error).join() === "/targetIdentifier rds_identifier",
        targetIdentifier,
      );
    }
    // The request's schema bounds its length before the kind's RDS rules apply.
    for (const [targetIdentifier, rule] of [
      ["", "minLength"],
      ["a".repeat(64), "maxLength"],
    ]) {
      await assert.rejects(
        plan({ targetIdentifier, useLatestRestorableTime: true }),
        (error: ValidationError) => problemsOf(error).join() === `/targetIdentifier ${rule}`,
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
    assert.deepEqual(result.final.type === "succeeded" && result.final.result.warnings, []);
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

  describe("the new instance matches its source", () => {
    const drive = (params: Partial<RestorePointInTimeParams>, on: CloudPort) =>
      driveOperation(restorePointInTime, source, { targetIdentifier: "copy", ...params }, on, clock);
    const succeeded = (outcome: StepOutcome) => {
      assert.equal(outcome.type, "succeeded", JSON.stringify(outcome));
      return outcome.type === "succeeded" ? outcome : assert.fail();
    };
    const failed = (outcome: StepOutcome) => {
      assert.equal(outcome.type, "failed", JSON.stringify(outcome));
      return outcome.type === "failed" ? outcome : assert.fail();
    };

    it("restores a Multi-AZ primary as Multi-AZ in its network by default, asking for every setting", async () => {
      const watched = cloudIgnoringRestoreSettings(freshCloud(), []);
      const done = succeeded((await drive({ useLatestRestorableTime: true }, watched.cloud)).final);
      assert.deepEqual(watched.restoreRequests, [
        {
          sourceIdentifier: PRIMARY_DB,
          targetIdentifier: "copy",
          useLatestRestorableTime: true,
          instanceClass: "db.t3.medium",
          multiAz: true,
          dbSubnetGroupName: "fastier-db-subnets",
          vpcSecurityGroupIds: ["sg-0fa57db0000000001"],
          dbParameterGroupName: "fastier-postgres16",
          storageType: "gp3",
        },
      ]);
      const [copy] = await watched.cloud.databases.describeInstances(["copy"]);
      assert.deepEqual(
        [copy?.multiAz, copy?.instanceClass, copy?.dbSubnetGroupName, copy?.vpcSecurityGroupIds, copy?.storageType],
        [true, "db.t3.medium", "fastier-db-subnets", ["sg-0fa57db0000000001"], "gp3"],
      );
      assert.deepEqual([done.result.warnings, done.result.converged, done.result.multiAz], [[], [], true]);
    });

    it("converges an instance the cloud made differently with one ModifyDBInstance, then verifies it", async () => {
      const ignoring = cloudIgnoringRestoreSettings(freshCloud(), [
        "multiAz",
        "instanceClass",
        "vpcSecurityGroupIds",
        "dbParameterGroupName",
      ]);
      const counting = countingDatabaseCalls(ignoring.cloud, "modifyInstance");
      const result = await drive(
        { useLatestRestorableTime: true, instanceClass: "db.r6g.large", vpcSecurityGroupIds: ["sg-0123456789abcdef0"] },
        counting.cloud,
      );
      const done = succeeded(result.final);
      assert.equal(counting.calls(), 1, "one modification for every setting that differed");
      const toConverge = result.outcomes.find((o) => o.type === "advance" && o.step === "converge");
      assert.match(
        toConverge?.type === "advance" ? toConverge.message : "",
        /copy differs from the request: multiAz is false, not true as requested; instanceClass is db\.t3\.medium, not db\.r6g\.large/,
      );
      const [copy] = await counting.cloud.databases.describeInstances(["copy"]);
      assert.deepEqual(
        [copy?.multiAz, copy?.instanceClass, copy?.vpcSecurityGroupIds, copy?.dbParameterGroupName],
        [true, "db.r6g.large", ["sg-0123456789abcdef0"], "fastier-postgres16"],
      );
      assert.deepEqual(done.result.converged, [
        "multiAz",
        "instanceClass",
        "vpcSecurityGroupIds",
        "dbParameterGroupName",
      ]);
      assert.deepEqual(done.result.warnings, [
        "copy joined parameter group fastier-postgres16; its static parameters apply at the next reboot",
      ]);
      assert.match(done.message, /modified multiAz, instanceClass, vpcSecurityGroupIds, dbParameterGroupName/);
    });

    it("succeeds with a warning, and no modification, for what it does not converge", async () => {
      const ignoring = cloudIgnoringRestoreSettings(freshCloud(), ["dbSubnetGroupName", "storageType"]);
      const counting = countingDatabaseCalls(ignoring.cloud, "modifyInstance");
      const done = succeeded((await drive({ useLatestRestorableTime: true }, counting.cloud)).final);
      assert.equal(counting.calls(), 0);
      assert.deepEqual(done.result.warnings, [
        "dbSubnetGroupName is default, not fastier-db-subnets as requested; not changed by this operation (see the restore's design note for dbSubnetGroupName)",
        "storageType is gp2, not gp3 as requested; not changed by this operation (see the restore's design note for storageType)",
      ]);
      assert.match(done.message, /with 2 warning\(s\): dbSubnetGroupName is default/);
      assert.deepEqual(
        (done.result.differences as { setting: string }[]).map((d) => d.setting),
        ["dbSubnetGroupName", "storageType"],
      );
    });

    it("does not modify twice when the verify step runs again after a crash", async () => {
      const ignoring = cloudIgnoringRestoreSettings(freshCloud(), ["multiAz"]);
      const counting = countingDatabaseCalls(ignoring.cloud, "modifyInstance");
      const params = { targetIdentifier: "crash-verify", useLatestRestorableTime: true };
      const planned = await restorePointInTime.plan({
        target: source,
        params,
        cloud: counting.cloud,
        now: clock.now(),
      });
      const operation = storedOperation(restorePointInTime, source, params, clock.now(), planned);
      const outcomes = await resumeOperation(restorePointInTime, operation, source, counting.cloud, clock, {
        // The worker dies after asking for the modification, before saving that it did.
        crashAfter: (outcome) => outcome.type === "advance" && outcome.step === "converge",
      });
      assert.equal(outcomes.at(-1)?.type, "succeeded");
      assert.equal(counting.calls(), 1, "the second verify found the instance modifying and waited");
      const [copy] = await counting.cloud.databases.describeInstances(["crash-verify"]);
      assert.equal(copy?.multiAz, true);
    });

    it("names the new, billed instance when ModifyDBInstance is refused", async () => {
      const ignoring = cloudIgnoringRestoreSettings(freshCloud(), ["multiAz"]);
      const refusing: CloudPort = {
        ...ignoring.cloud,
        databases: {
          ...ignoring.cloud.databases,
          modifyInstance: async () => {
            throw new CloudError("invalid_state", "InvalidDBInstanceState: not now", {
              providerCode: "InvalidDBInstanceState",
              requestId: "req-1",
            });
          },
        },
      };
      const outcome = failed((await drive({ useLatestRestorableTime: true }, refusing)).final);
      assert.equal(outcome.code, "converge_refused");
      assert.match(outcome.message, /multiAz is false, not true as requested/);
      assert.match(outcome.message, /the new instance copy exists and is billed; delete it or retry$/);
      assert.deepEqual(outcome.result, { createdInstance: "copy" });
      assert.deepEqual(outcome.errorDetails, { cloudRequestId: "req-1", providerCode: "InvalidDBInstanceState" });
    });

    it("names the new, billed instance when the restore fails or never shows up", async () => {
      const sim = freshCloud();
      const failing: CloudPort = {
        ...sim,
        databases: {
          ...sim.databases,
          describeInstances: async (ids) =>
            (await sim.databases.describeInstances(ids)).map((db) =>
              db.identifier === "copy" ? { ...db, status: "incompatible-parameters" } : db,
            ),
        },
      };
      const broken = failed((await drive({ useLatestRestorableTime: true }, failing)).final);
      assert.equal(broken.code, "restore_failed");
      assert.equal(
        broken.message,
        "copy is incompatible-parameters; the new instance copy exists and is billed; delete it or retry",
      );

      // The restore is accepted, but the instance never shows up in the listing.
      const accepted: CloudPort = {
        ...sim,
        databases: {
          ...sim.databases,
          restoreToPointInTime: async (request) => ({ identifier: request.targetIdentifier }) as never,
        },
      };
      const missing = failed(
        (await drive({ targetIdentifier: "never-there", useLatestRestorableTime: true }, accepted)).final,
      );
      assert.equal(missing.code, "restore_missing");
      assert.match(
        missing.message,
        /if the new instance never-there appears later it is billed: look for it and delete it/,
      );
    });

    it("tells the reconciler what a failure leaves behind once the restore was asked for", () => {
      const operation = storedOperation(restorePointInTime, source, { targetIdentifier: "Copy-1" }, clock.now());
      assert.equal(restorePointInTime.leftBehind?.(operation), null);
      for (const step of ["wait", "verify", "converge"]) {
        assert.equal(
          restorePointInTime.leftBehind?.({ ...operation, step }),
          "the new instance copy-1 exists and is billed; delete it or retry",
        );
      }
    });
  });
});
