import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import { type CloudPort, type ConflictError, PRIMARY_DB, REPLICA_DB, type ValidationError } from "../src/index.ts";
import { createSnapshot, defaultSnapshotIdentifier } from "../src/operations/kinds/createSnapshot.ts";
import { countingDatabaseCalls, dbTarget, resumeOperation } from "./helpers/rdsTargets.ts";

describe("take a manual RDS snapshot (state machine on the simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let accounts = 0;
  const primary = dbTarget(PRIMARY_DB);

  const freshCloud = (): CloudPort => {
    accounts += 1;
    return createSimCloud({ pool: db.pool, clock, accountId: `snapshot-${accounts}` });
  };

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:30Z"));
  });
  after(() => db.drop());

  it("names a snapshot after the instance and the minute, within RDS's 63 characters", () => {
    const at = new Date("2026-11-25T09:07:59Z");
    assert.equal(defaultSnapshotIdentifier("fastier-db", at), "fastier-db-202611250907");
    const long = defaultSnapshotIdentifier(`${"a".repeat(49)}-${"b".repeat(13)}`, at);
    assert.equal(long, `${"a".repeat(49)}-202611250907`, "cut to fit and without a hyphen before the stamp's own");
    assert.equal(long.length, 62);
  });

  it("plans the default identifier and refuses one RDS would refuse", async () => {
    const cloud = freshCloud();
    const plan = await createSnapshot.plan({ target: primary, params: {}, cloud, now: clock.now() });
    assert.deepEqual(plan.changes, [{ field: "snapshotIdentifier", from: null, to: "fastier-db-202611251200" }]);
    for (const snapshotIdentifier of ["9lives", "before--after", "trailing-", "under_score"]) {
      await assert.rejects(
        createSnapshot.plan({ target: primary, params: { snapshotIdentifier }, cloud, now: clock.now() }),
        (error: ValidationError) =>
          error.problems.length === 1 &&
          error.problems[0]?.field === "/snapshotIdentifier" &&
          error.problems[0]?.rule === "rds_identifier",
        snapshotIdentifier,
      );
    }
    // An empty one does not reach the kind: the request's schema refuses it.
    await assert.rejects(
      createSnapshot.plan({ target: primary, params: { snapshotIdentifier: "" }, cloud, now: clock.now() }),
      (error: ValidationError) =>
        error.problems[0]?.field === "/snapshotIdentifier" && error.problems[0]?.rule === "minLength",
    );
  });

  it("snapshots, reports progress while waiting, and ends with the snapshot id and no inventory change", async () => {
    const cloud = freshCloud();
    const result = await driveOperation(
      createSnapshot,
      primary,
      { snapshotIdentifier: "before-migration" },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded");
    const progress = result.outcomes.flatMap((o) => (o.type === "wait" ? [o.data?.percentProgress as number] : []));
    assert.ok(progress.length > 1, "waited while the snapshot was taken");
    assert.ok(
      progress.every((value, index) => index === 0 || value > (progress[index - 1] as number)),
      `progress rises: ${progress.join(", ")}`,
    );
    if (result.final.type !== "succeeded") return;
    assert.equal(result.final.result.snapshotIdentifier, "before-migration");
    assert.equal(result.final.result.dbInstanceIdentifier, PRIMARY_DB);
    assert.equal(result.final.inventory, undefined);
    const [snapshot] = await cloud.databases.describeSnapshots({ snapshotIdentifier: "before-migration" });
    assert.equal(snapshot?.status, "available");

    await assert.rejects(
      createSnapshot.plan({
        target: primary,
        params: { snapshotIdentifier: "before-migration" },
        cloud,
        now: clock.now(),
      }),
      (error: ConflictError) => error.code === "snapshot_exists" && error.details.dbInstanceIdentifier === PRIMARY_DB,
    );
  });

  it("keeps the identifier the plan chose even when the steps run in a later minute", async () => {
    const cloud = freshCloud();
    const plan = await createSnapshot.plan({ target: primary, params: {}, cloud, now: clock.now() });
    const planned = plan.changes[0]?.to;
    clock.advance(5 * 60_000);
    const operation = storedOperation(createSnapshot, primary, {}, clock.now(), plan);
    const outcomes = await resumeOperation(createSnapshot, operation, primary, cloud, clock);
    const final = outcomes.at(-1);
    assert.equal(final?.type, "succeeded");
    assert.equal(final?.type === "succeeded" ? final.result.snapshotIdentifier : null, planned);
  });

  it("refuses an instance that is not available", async () => {
    const cloud = freshCloud();
    await cloud.databases.promoteReadReplica(REPLICA_DB);
    await assert.rejects(
      createSnapshot.plan({ target: dbTarget(REPLICA_DB), params: {}, cloud, now: clock.now() }),
      (error: ConflictError) => error.code === "db_not_available" && error.details.status === "modifying",
    );
  });

  it("does not take a second snapshot when the act step runs again after a crash", async () => {
    const counting = countingDatabaseCalls(freshCloud(), "createSnapshot");
    const params = { snapshotIdentifier: "crash-safe" };
    await createSnapshot.plan({ target: primary, params, cloud: counting.cloud, now: clock.now() });
    const operation = storedOperation(createSnapshot, primary, params, clock.now());
    const first = await createSnapshot.step({ operation, target: primary, cloud: counting.cloud, now: clock.now() });
    assert.equal(first.type, "advance");
    // The worker crashed before saving that outcome: the operation is still at `act` and runs it again.
    const outcomes = await resumeOperation(createSnapshot, operation, primary, counting.cloud, clock);
    assert.match(outcomes[0]?.type === "advance" ? outcomes[0].message : "", /crash-safe is already creating/);
    assert.equal(outcomes.at(-1)?.type, "succeeded");
    assert.equal(counting.calls(), 1, "the cloud saw one snapshot request");
  });
});
