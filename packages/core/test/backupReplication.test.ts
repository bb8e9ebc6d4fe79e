import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import {
  type BackupReplicationPort,
  type CloudPort,
  type DomainError,
  PRIMARY_DB,
  REPLICA_DB,
  startBackupReplication,
  stopBackupReplication,
} from "../src/index.ts";
import { dbTarget, resumeOperation } from "./helpers/rdsTargets.ts";

const DESTINATION = "us-west-2";
const KMS_KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const MINUTE = 60_000;

/** The cloud with its replication calls counted by method, to prove a repeated step calls nothing twice. */
function countingReplication(cloud: CloudPort) {
  const calls = { start: 0, stop: 0 };
  const backupReplication: BackupReplicationPort = {
    describe: (region, arn) => cloud.backupReplication.describe(region, arn),
    start: (region, request) => {
      calls.start += 1;
      return cloud.backupReplication.start(region, request);
    },
    stop: (region, arn) => {
      calls.stop += 1;
      return cloud.backupReplication.stop(region, arn);
    },
  };
  return { cloud: { ...cloud, backupReplication }, calls };
}

describe("replicating automated backups to another region (state machines on the simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let accounts = 0;
  const primary = dbTarget(PRIMARY_DB);
  const replica = dbTarget(REPLICA_DB);
  /** A new simulated account whose primary does not replicate yet (the seed replicates it to us-west-2). */
  const freshCloud = async (): Promise<CloudPort> => {
    accounts += 1;
    const cloud = createSimCloud({ pool: db.pool, clock, accountId: `backup-replication-${accounts}` });
    const [source] = await cloud.databases.describeInstances([PRIMARY_DB]);
    await cloud.backupReplication.stop(DESTINATION, source?.arn ?? "");
    return cloud;
  };
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e as DomainError,
    );
    return { kind: error.kind, code: error.code, problems: error.details.problems ?? [] };
  };
  const plan = (cloud: CloudPort, params: object, target = primary) =>
    startBackupReplication.plan({ target, params, cloud, now: clock.now() });

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:30Z"));
  });
  after(() => db.drop());

  it("plans the replication with the source's retention, and refuses what RDS would refuse, naming the reason", async () => {
    const cloud = await freshCloud();
    const planned = await plan(cloud, { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY });
    assert.match(planned.summary, /from us-east-1 to us-west-2, kept 7 days/);
    assert.deepEqual(planned.settings?.retentionDays, { value: 7, from: "source" });
    assert.deepEqual(planned.changes, [{ field: "backupReplications.us-west-2", from: null, to: "replicating" }]);

    assert.deepEqual(await refusal(plan(cloud, { destinationRegion: "us-east-1", kmsKeyId: KMS_KEY })), {
      kind: "invalid",
      code: "validation_failed",
      problems: [
        {
          field: "/destinationRegion",
          rule: "other_region",
          message: "must be a region other than the environment's own (us-east-1)",
        },
      ],
    });
    const noKey = await refusal(plan(cloud, { destinationRegion: DESTINATION }));
    assert.deepEqual(
      noKey.problems.map((p) => [p.field, p.rule]),
      [["/kmsKeyId", "required_when_encrypted"]],
    );
    const otherRegionKey = await refusal(plan(cloud, { destinationRegion: "eu-central-1", kmsKeyId: KMS_KEY }));
    assert.deepEqual(
      otherRegionKey.problems.map((p) => [p.field, p.rule]),
      [["/kmsKeyId", "destination_region"]],
    );
    assert.equal((await refusal(plan(cloud, { destinationRegion: "mars-1" }))).kind, "invalid");
    assert.deepEqual(await refusal(plan(cloud, { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY }, replica)), {
      kind: "conflict",
      code: "read_replica",
      problems: [],
    });
  });

  it("refuses a source without automated backups with a 409 reason", async () => {
    const cloud = await freshCloud();
    // A standalone instance may turn backups off: the primary cannot while it has a replica.
    await cloud.databases.promoteReadReplica(REPLICA_DB);
    clock.advance(10 * MINUTE);
    await cloud.databases.modifyInstance(REPLICA_DB, { backupRetentionDays: 0 });
    clock.advance(10 * MINUTE);
    assert.deepEqual(await refusal(plan(cloud, { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY }, replica)), {
      kind: "conflict",
      code: "backups_off",
      problems: [],
    });
  });

  it("starts, waits while the destination is pending, and records the replica window in the inventory", async () => {
    const counting = countingReplication(await freshCloud());
    const result = await driveOperation(
      startBackupReplication,
      primary,
      { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY, retentionDays: 3 },
      counting.cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));
    assert.equal(counting.calls.start, 1);
    const waits = result.outcomes.filter((o) => o.type === "wait");
    assert.ok(waits.length >= 2, "waited while the first copy was made");
    assert.equal(waits[0]?.data?.status, "pending");
    const attributes =
      result.final.type === "succeeded" ? result.final.inventory?.updates[0]?.changes.attributes : null;
    const [record] = (attributes?.backupReplications ?? []) as Record<string, unknown>[];
    assert.equal(record?.destinationRegion, DESTINATION);
    assert.equal(record?.status, "replicating");
    assert.equal(record?.retentionDays, 3);
    assert.equal(attributes?.storageEncrypted, true, "the other attributes are kept");

    const again = await plan(counting.cloud, { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY });
    assert.deepEqual(again.changes, [], "nothing to change once replicating");
    const repeated = await driveOperation(
      startBackupReplication,
      primary,
      { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY },
      counting.cloud,
      clock,
    );
    assert.equal(repeated.final.type, "succeeded");
    assert.equal(counting.calls.start, 1, "already replicating: no second call");
  });

  it("starts once when the worker crashes between the call and saving the step", async () => {
    const counting = countingReplication(await freshCloud());
    const params = { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY };
    await plan(counting.cloud, params);
    const operation = storedOperation(startBackupReplication, primary, params, clock.now());
    const outcomes = await resumeOperation(startBackupReplication, operation, primary, counting.cloud, clock, {
      crashAfter: (outcome) => outcome.type === "advance" && operation.step === "act",
    });
    assert.equal(outcomes.at(-1)?.type, "succeeded", JSON.stringify(outcomes.at(-1)));
    assert.equal(counting.calls.start, 1, "StartDBInstanceAutomatedBackupsReplication was called once");
    assert.match(outcomes[1]?.type === "advance" ? outcomes[1].message : "", /already has pending backups/);
  });

  it("stops replication, once even across a crash, and does nothing where nothing replicates", async () => {
    const counting = countingReplication(await freshCloud());
    await driveOperation(
      startBackupReplication,
      primary,
      { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY },
      counting.cloud,
      clock,
    );
    const params = { destinationRegion: DESTINATION };
    const planned = await stopBackupReplication.plan({
      target: primary,
      params,
      cloud: counting.cloud,
      now: clock.now(),
    });
    assert.deepEqual(planned.changes, [{ field: "backupReplications.us-west-2", from: "replicating", to: null }]);
    const operation = storedOperation(stopBackupReplication, primary, params, clock.now());
    const outcomes = await resumeOperation(stopBackupReplication, operation, primary, counting.cloud, clock, {
      crashAfter: (outcome) => outcome.type === "advance" && operation.step === "act",
    });
    const final = outcomes.at(-1);
    assert.equal(final?.type, "succeeded", JSON.stringify(final));
    assert.equal(counting.calls.stop, 1);
    assert.equal(
      final?.type === "succeeded" && "backupReplications" in (final.inventory?.updates[0]?.changes.attributes ?? {}),
      false,
    );
    const [source] = await counting.cloud.databases.describeInstances([PRIMARY_DB]);
    assert.equal(await counting.cloud.backupReplication.describe(DESTINATION, source?.arn ?? ""), null);

    const nothing = await driveOperation(stopBackupReplication, primary, params, counting.cloud, clock);
    assert.match(nothing.plan.summary, /nothing to change/);
    assert.equal(nothing.final.type, "succeeded");
    assert.equal(counting.calls.stop, 1, "not replicating: no call");
  });
});
