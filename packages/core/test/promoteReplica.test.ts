import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import {
  CloudError,
  type CloudPort,
  type ConflictError,
  PRIMARY_DB,
  REPLICA_DB,
  type ValidationError,
} from "../src/index.ts";
import { promoteReplica } from "../src/operations/kinds/promoteReplica.ts";
import { countingDatabaseCalls, dbTarget } from "./helpers/rdsTargets.ts";

describe("promote a read replica (state machine on the simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let accounts = 0;
  const replica = dbTarget(REPLICA_DB);
  const primary = dbTarget(PRIMARY_DB);

  /** Each test gets its own simulated account, so a promotion in one does not leave the next without a replica. */
  const freshCloud = (): CloudPort => {
    accounts += 1;
    return createSimCloud({ pool: db.pool, clock, accountId: `promote-${accounts}` });
  };
  const plan = (cloud: CloudPort, target = replica, params: Record<string, unknown> = { confirm: REPLICA_DB }) =>
    promoteReplica.plan({ target, params: params as { confirm: string }, cloud, now: clock.now() });

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  });
  after(() => db.drop());

  it("plans the role change, reports the replica lag, and says it cannot be undone", async () => {
    const result = await plan(freshCloud());
    assert.deepEqual(result.changes, [
      { field: "role", from: "replica", to: "standalone" },
      { field: "sourceDbIdentifier", from: PRIMARY_DB, to: null },
    ]);
    assert.match(result.summary, /cannot be undone/);
    const lag = result.checks.find((check) => check.name === "replica lag");
    assert.equal(lag?.passed, true);
    assert.match(
      lag?.detail ?? "",
      /^\d+(\.\d+)? s now \(peak \d+(\.\d+)? s in the last 10 minutes\), threshold 60 s$/,
    );
  });

  it("refuses the primary, naming its role", async () => {
    await assert.rejects(
      plan(freshCloud(), primary, { confirm: PRIMARY_DB }),
      (error: ConflictError) =>
        error.code === "not_a_replica" &&
        /fastier-db is a primary instance \(source of fastier-db-replica\)/.test(error.message) &&
        error.details.role === "primary",
    );
  });

  it("refuses a missing or wrong confirmation", async () => {
    const cloud = freshCloud();
    // A missing one is refused by the request's schema before the kind looks at the replica.
    await assert.rejects(
      plan(cloud, replica, {}),
      (error: ValidationError) =>
        error.code === "validation_failed" &&
        error.problems[0]?.rule === "required" &&
        /confirm/.test(error.problems[0]?.message ?? ""),
    );
    for (const params of [{ confirm: PRIMARY_DB }, { confirm: "FASTIER-DB-REPLICA" }]) {
      await assert.rejects(
        plan(cloud, replica, params),
        (error: ValidationError) =>
          error.code === "confirmation_required" &&
          error.problems.length === 1 &&
          error.problems[0]?.field === "/confirm" &&
          error.problems[0]?.rule === "confirm",
        JSON.stringify(params),
      );
    }
  });

  // The simulator's ReplicaLag stays within a few seconds (0.05 s plus load, at most ~3 s), never
  // near the 60 s default; so the threshold is tested with maxLagSeconds 0 against the lag it reports.
  it("refuses a lag over the threshold unless forced, with the lag and threshold in the details", async () => {
    const cloud = freshCloud();
    await assert.rejects(plan(cloud, replica, { confirm: REPLICA_DB, maxLagSeconds: 0 }), (error: ConflictError) => {
      const lagSeconds = error.details.lagSeconds as number;
      return (
        error.code === "replica_lag_too_high" &&
        lagSeconds > 0 &&
        lagSeconds < 60 &&
        error.details.threshold === 0 &&
        error.message.includes(`lags ${lagSeconds} s behind ${PRIMARY_DB}, over the 0 s threshold`)
      );
    });
    const forced = await plan(cloud, replica, { confirm: REPLICA_DB, maxLagSeconds: 0, force: true });
    const lag = forced.checks.find((check) => check.name === "replica lag");
    assert.equal(lag?.passed, false);
    assert.match(lag?.detail ?? "", /threshold 0 s; over the threshold, promoting anyway because force is set/);
  });

  it("refuses a malformed threshold before asking the cloud anything", async () => {
    await assert.rejects(
      // A cloud with no methods: any call would throw a TypeError instead of the ValidationError.
      plan({} as CloudPort, replica, { confirm: REPLICA_DB, maxLagSeconds: -1 }),
      (error: ValidationError) => error.problems[0]?.field === "/maxLagSeconds",
    );
  });

  it("reports 'no lag data' when CloudWatch has none, and does not refuse for it", async () => {
    const cloud = freshCloud();
    const blind: CloudPort = {
      ...cloud,
      metrics: {
        getMetricData: async () => {
          throw new CloudError("unavailable", "Service Unavailable", { service: "monitoring" });
        },
      },
    };
    const result = await plan(blind, replica, { confirm: REPLICA_DB, maxLagSeconds: 0 });
    const lag = result.checks.find((check) => check.name === "replica lag");
    assert.equal(lag?.passed, false);
    assert.match(lag?.detail ?? "", /^no lag data \(CloudWatch did not answer: Service Unavailable\)/);
  });

  it("promotes, waits until standalone, verifies, and updates only the target's replication in the inventory", async () => {
    const cloud = freshCloud();
    const result = await driveOperation(promoteReplica, replica, { confirm: REPLICA_DB }, cloud, clock);
    assert.equal(result.final.type, "succeeded");
    const types = result.outcomes.map((o) => o.type);
    assert.equal(types[0], "advance");
    assert.deepEqual(types.slice(-2), ["advance", "succeeded"]);
    const waits = types.slice(1, -2);
    assert.ok(waits.length > 0 && waits.every((type) => type === "wait"), "waited while the promotion ran");
    if (result.final.type !== "succeeded") return;
    assert.equal(result.final.result.formerSourceDbIdentifier, PRIMARY_DB);
    assert.deepEqual(result.final.inventory, {
      updates: [
        {
          resourceId: replica.id,
          changes: { database: { ...replica.database, role: "standalone", sourceDbIdentifier: null } },
        },
      ],
      creates: [],
    });
    const [promoted, source] = await cloud.databases.describeInstances([REPLICA_DB, PRIMARY_DB]);
    assert.equal(promoted?.readReplicaSourceIdentifier, null);
    assert.equal(promoted?.status, "available");
    assert.deepEqual(source?.readReplicaIdentifiers, []);
  });

  it("does not promote twice when the act step runs again after a crash", async () => {
    const counting = countingDatabaseCalls(freshCloud(), "promoteReadReplica");
    const first = await driveOperation(promoteReplica, replica, { confirm: REPLICA_DB }, counting.cloud, clock, {
      maxSteps: 1,
    }).catch(() => null);
    assert.equal(first, null, "stopped after the act step, as a crashed worker would");
    assert.equal(counting.calls(), 1);
    const again = await driveOperation(promoteReplica, replica, { confirm: REPLICA_DB }, counting.cloud, clock);
    assert.equal(again.final.type, "succeeded");
    assert.equal(again.outcomes[0]?.type, "wait", "the repeated act saw the promotion under way and waited");
    assert.equal(counting.calls(), 1, "the cloud saw one promotion");
  });
});
