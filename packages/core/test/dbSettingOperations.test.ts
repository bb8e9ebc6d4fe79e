import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import {
  type CloudPort,
  type ConflictError,
  enableMultiAz,
  PRIMARY_DB,
  REPLICA_DB,
  type RegisteredOperation,
  type StepOutcome,
  setBackupRetention,
} from "../src/index.ts";
import { countingDatabaseCalls, dbTarget, resumeOperation } from "./helpers/rdsTargets.ts";

describe("Multi-AZ and backup retention as operations (state machines on the simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let accounts = 0;
  const primary = dbTarget(PRIMARY_DB);
  const replica = dbTarget(REPLICA_DB);

  const freshCloud = (): CloudPort => {
    accounts += 1;
    return createSimCloud({ pool: db.pool, clock, accountId: `db-settings-${accounts}` });
  };
  const checkNames = (plan: { checks: { name: string }[] }) => plan.checks.map((c) => c.name);
  const inventoryDatabase = (outcome: StepOutcome | undefined) =>
    outcome?.type === "succeeded" ? outcome.inventory?.updates[0]?.changes.database : undefined;
  /** Runs `act` once, drops its outcome as a crashed worker would, then resumes to the end. */
  const crashAfterAct = async (definition: RegisteredOperation, target = replica, params: object) => {
    const counting = countingDatabaseCalls(freshCloud(), "modifyInstance");
    await definition.plan({ target, params, cloud: counting.cloud, now: clock.now() });
    const operation = storedOperation(definition, target, params, clock.now());
    const outcomes = await resumeOperation(definition, operation, target, counting.cloud, clock, {
      crashAfter: (outcome) => outcome.type === "advance" && operation.step === "act",
    });
    return { outcomes, calls: counting.calls(), cloud: counting.cloud };
  };

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:30Z"));
  });
  after(() => db.drop());

  describe("enable_multi_az", () => {
    it("plans false → true with the I/O impact and the cost, and nothing for an instance already Multi-AZ", async () => {
      const cloud = freshCloud();
      const plan = await enableMultiAz.plan({ target: replica, params: {}, cloud, now: clock.now() });
      assert.deepEqual(plan.changes, [{ field: "multiAz", from: false, to: true }]);
      assert.deepEqual(checkNames(plan), ["available", "applied", "performance impact", "cost"]);
      assert.match(plan.checks.find((c) => c.name === "performance impact")?.detail ?? "", /latency/);
      const already = await enableMultiAz.plan({ target: primary, params: {}, cloud, now: clock.now() });
      assert.deepEqual(already.changes, []);
      assert.match(already.summary, /nothing to change/);
    });

    it("converts over simulated minutes and records multiAz in the inventory", async () => {
      const result = await driveOperation(enableMultiAz, replica, {}, freshCloud(), clock);
      assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));
      const waits = result.outcomes.filter((o) => o.type === "wait");
      assert.ok(waits.length >= 2, "waited while the standby was created");
      assert.equal(waits[0]?.data?.status, "modifying");
      assert.equal(inventoryDatabase(result.final)?.multiAz, true);
    });

    it("succeeds without calling RDS when the instance is already Multi-AZ", async () => {
      const counting = countingDatabaseCalls(freshCloud(), "modifyInstance");
      const result = await driveOperation(enableMultiAz, primary, {}, counting.cloud, clock);
      assert.equal(result.final.type, "succeeded");
      assert.equal(counting.calls(), 0);
    });

    it("asks once even when the worker crashes between the call and saving the step", async () => {
      const { outcomes, calls } = await crashAfterAct(enableMultiAz, replica, {});
      assert.equal(outcomes.at(-1)?.type, "succeeded");
      assert.equal(calls, 1, "ModifyDBInstance was called once");
    });

    it("with applyImmediately false, succeeds once the change is pending for the maintenance window", async () => {
      const counting = countingDatabaseCalls(freshCloud(), "modifyInstance");
      const params = { applyImmediately: false };
      const result = await driveOperation(enableMultiAz, replica, params, counting.cloud, clock);
      assert.equal(result.final.type, "succeeded");
      if (result.final.type !== "succeeded") return;
      assert.equal(result.final.result.appliesIn, "maintenance_window");
      assert.match(result.final.message, /maintenance window/);
      assert.equal(result.final.inventory, undefined, "the inventory changes only once RDS applies it");
      const [instance] = await counting.cloud.databases.describeInstances([REPLICA_DB]);
      assert.equal(instance?.multiAz, false);
      assert.deepEqual(instance?.pendingModifiedValues, { multiAz: true });
      // Asked again, the pending change is seen and not asked for twice.
      const again = await driveOperation(enableMultiAz, replica, params, counting.cloud, clock);
      assert.equal(again.final.type, "succeeded");
      assert.equal(counting.calls(), 1);
    });
  });

  describe("set_backup_retention", () => {
    it("refuses 0 on a source of read replicas", async () => {
      await assert.rejects(
        setBackupRetention.plan({ target: primary, params: { days: 0 }, cloud: freshCloud(), now: clock.now() }),
        (error: ConflictError) =>
          error.code === "replicas_need_backups" &&
          JSON.stringify(error.details.replicas) === JSON.stringify([REPLICA_DB]),
      );
    });

    it("warns of the restart only when backups go on or off", async () => {
      const cloud = freshCloud();
      const on = await setBackupRetention.plan({ target: replica, params: { days: 7 }, cloud, now: clock.now() });
      assert.deepEqual(on.changes, [{ field: "backupRetentionDays", from: 0, to: 7 }]);
      assert.ok(checkNames(on).includes("restart"), JSON.stringify(on.checks));
      assert.match(on.checks.find((c) => c.name === "restart")?.detail ?? "", /outage/);
      const longer = await setBackupRetention.plan({ target: primary, params: { days: 14 }, cloud, now: clock.now() });
      assert.deepEqual(longer.changes, [{ field: "backupRetentionDays", from: 7, to: 14 }]);
      assert.ok(!checkNames(longer).includes("restart"), JSON.stringify(longer.checks));
      const shorter = await setBackupRetention.plan({ target: primary, params: { days: 3 }, cloud, now: clock.now() });
      assert.ok(checkNames(shorter).includes("restore window"));
      const same = await setBackupRetention.plan({ target: primary, params: { days: 7 }, cloud, now: clock.now() });
      assert.deepEqual(same.changes, []);
    });

    it("turns backups on through a restart and records the retention", async () => {
      const result = await driveOperation(setBackupRetention, replica, { days: 7 }, freshCloud(), clock);
      assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));
      const statuses = result.outcomes.flatMap((o) => (o.type === "wait" ? [o.data?.status] : []));
      assert.ok(statuses.includes("rebooting"), `went through a restart: ${statuses.join(", ")}`);
      assert.equal(inventoryDatabase(result.final)?.backupRetentionDays, 7);
    });

    it("changes a non-zero retention at once, without a restart", async () => {
      const result = await driveOperation(setBackupRetention, primary, { days: 14 }, freshCloud(), clock);
      assert.equal(result.final.type, "succeeded");
      assert.equal(result.outcomes.filter((o) => o.type === "wait").length, 0);
      assert.equal(inventoryDatabase(result.final)?.backupRetentionDays, 14);
    });

    it("asks once even when the worker crashes between the call and saving the step", async () => {
      const { outcomes, calls, cloud } = await crashAfterAct(setBackupRetention, replica, { days: 7 });
      assert.equal(outcomes.at(-1)?.type, "succeeded");
      assert.equal(calls, 1, "ModifyDBInstance was called once");
      const [instance] = await cloud.databases.describeInstances([REPLICA_DB]);
      assert.equal(instance?.backupRetentionDays, 7);
    });
  });
});
