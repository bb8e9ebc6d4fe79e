import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { driveOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import { ASG_NAME, type CloudPort, type Resource, scaleGroup, type ValidationError } from "../src/index.ts";

describe("scale an Auto Scaling group (state machine on the simulator)", () => {
  let db: TestDatabase;
  let cloud: CloudPort;
  let clock: ManualClock;
  const target = { id: "r1", environmentId: "e1", kind: "auto_scaling_group", cloudId: ASG_NAME } as Resource;

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
    cloud = createSimCloud({ pool: db.pool, clock });
  });
  after(() => db.drop());

  it("plans from → to and refuses capacity outside the limits, naming them", async () => {
    const plan = await scaleGroup.plan({ target, params: { desiredCapacity: 4 }, cloud, now: clock.now() });
    assert.deepEqual(plan.changes, [{ field: "desiredCapacity", from: 2, to: 4 }]);
    await assert.rejects(
      scaleGroup.plan({ target, params: { desiredCapacity: 9 }, cloud, now: clock.now() }),
      (error: ValidationError) =>
        error.code === "capacity_out_of_limits" &&
        /between|outside the group's limits: min 2, max 6/.test(error.message) &&
        (error.details.limits as { maxSize: number }).maxSize === 6,
    );
  });

  it("acts, waits for instances to come into service, verifies, and reports the inventory change", async () => {
    const result = await driveOperation(scaleGroup, target, { desiredCapacity: 4 }, cloud, clock);
    assert.equal(result.final.type, "succeeded");
    const steps = result.outcomes.map((o) => o.type);
    assert.equal(steps[0], "advance");
    assert.ok(steps.includes("wait"), "instances were Pending for a while");
    if (result.final.type === "succeeded") {
      assert.deepEqual(result.final.result, { minSize: 2, maxSize: 6, desiredCapacity: 4 });
      assert.deepEqual(result.final.inventory?.updates[0]?.changes.capacity, result.final.result);
    }
    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(group?.instances.filter((i) => i.lifecycleState === "InService").length, 4);
  });

  it("does not act twice when the act step runs again after a crash", async () => {
    let calls = 0;
    const counting: CloudPort = {
      ...cloud,
      autoScaling: {
        ...cloud.autoScaling,
        describeGroups: (names) => cloud.autoScaling.describeGroups(names),
        setDesiredCapacity: async (name, desired) => {
          calls += 1;
          await cloud.autoScaling.setDesiredCapacity(name, desired);
        },
        updateLimits: (name, limits) => cloud.autoScaling.updateLimits(name, limits),
      },
    };
    const first = await driveOperation(scaleGroup, target, { desiredCapacity: 3 }, counting, clock, {
      maxSteps: 1,
    }).catch(() => null);
    assert.equal(first, null, "stopped after the act step, as a crashed worker would");
    const again = await driveOperation(scaleGroup, target, { desiredCapacity: 3 }, counting, clock);
    assert.equal(again.final.type, "succeeded");
    assert.equal(calls, 1, "the cloud saw one call");
  });
});
