import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import {
  ASG_NAME,
  type CloudPort,
  type ConflictError,
  DEFAULT_TARGET_MEMORY_PERCENT,
  type MemoryScalingPolicy,
  memoryPolicyNameOf,
  putMemoryScalingPolicy,
  type Resource,
} from "../src/index.ts";
import { resumeOperation } from "./helpers/rdsTargets.ts";
import { simulatorWorlds } from "./helpers/simWorlds.ts";

describe("put a memory target-tracking policy on an Auto Scaling group (state machine on the simulator)", () => {
  // A simulated account of its own per test, so each starts from Fastier's group without a memory policy.
  const { clock, freshCloud } = simulatorWorlds("memory");
  const target = {
    id: "r1",
    environmentId: "e1",
    kind: "auto_scaling_group",
    cloudId: ASG_NAME,
    attributes: { healthCheckType: "ELB", memoryTargetTracking: false },
  } as unknown as Resource;

  /** The cloud with the put counted, to prove a repeated step does not put twice. */
  function countingPuts(cloud: CloudPort): { cloud: CloudPort; puts: MemoryScalingPolicy[] } {
    const puts: MemoryScalingPolicy[] = [];
    const autoScaling = {
      ...cloud.autoScaling,
      putMemoryTargetTracking: async (group: string, policy: MemoryScalingPolicy) => {
        puts.push(policy);
        await cloud.autoScaling.putMemoryTargetTracking(group, policy);
      },
    };
    return { cloud: { ...cloud, autoScaling }, puts };
  }

  const plan = (cloud: CloudPort, params: Record<string, unknown>) =>
    putMemoryScalingPolicy.plan({ target, params, cloud, now: clock.now() });

  it("plans none → the default target, and acts, verifies and marks the group as tracking memory", async () => {
    const { cloud, puts } = countingPuts(freshCloud());
    const planned = await plan(cloud, {});
    assert.deepEqual(planned.changes, [
      { field: "memoryTargetPercent", from: null, to: DEFAULT_TARGET_MEMORY_PERCENT },
    ]);
    assert.equal(planned.checks.find((c) => c.name === "existing memory policy")?.detail, "none");
    assert.match(planned.summary, /add target tracking on average CWAgent mem_used_percent at 65%/);

    const result = await driveOperation(putMemoryScalingPolicy, target, {}, cloud, clock);
    assert.deepEqual(
      result.outcomes.map((o) => o.type),
      ["advance", "succeeded"],
    );
    assert.deepEqual(puts, [{ policyName: memoryPolicyNameOf(ASG_NAME), targetPercent: 65 }]);
    assert.deepEqual(await cloud.autoScaling.describeMemoryTargetTracking(ASG_NAME), puts[0]);
    assert.equal(result.final.type, "succeeded");
    if (result.final.type === "succeeded") {
      assert.deepEqual(result.final.inventory?.updates, [
        { resourceId: "r1", changes: { attributes: { healthCheckType: "ELB", memoryTargetTracking: true } } },
      ]);
    }
    const [discovered] = (await cloud.discovery.discover()).resources.filter((r) => r.kind === "auto_scaling_group");
    assert.equal(discovered?.attributes.memoryTargetTracking, true, "sync sees the group scaling on memory");
  });

  it("plans no change when the same target is in place, and succeeds without a call", async () => {
    const { cloud, puts } = countingPuts(freshCloud());
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, { policyName: "by-hand", targetPercent: 70 });
    puts.length = 0;
    const planned = await plan(cloud, { targetPercent: 70 });
    assert.deepEqual(planned.changes, []);
    assert.match(planned.summary, /already scales on memory at 70% \(policy by-hand\); nothing will change/);
    const result = await driveOperation(putMemoryScalingPolicy, target, { targetPercent: 70 }, cloud, clock);
    assert.equal(result.final.type, "succeeded");
    assert.deepEqual(puts, [], "nothing was put");
  });

  it("refuses a different existing target unless replaceExisting, then replaces it under its own name", async () => {
    const { cloud, puts } = countingPuts(freshCloud());
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, { policyName: "by-hand", targetPercent: 80 });
    puts.length = 0;
    await assert.rejects(
      plan(cloud, { targetPercent: 60 }),
      (error: ConflictError) =>
        error.code === "memory_policy_exists" &&
        /at 80% \(policy by-hand\).*replaceExisting: true.*60%/.test(error.message) &&
        (error.details.existingPolicy as MemoryScalingPolicy).targetPercent === 80,
    );
    // The act step refuses too: a policy may appear between the plan and the step.
    const operation = storedOperation(putMemoryScalingPolicy, target, { targetPercent: 60 }, clock.now());
    await assert.rejects(
      putMemoryScalingPolicy.step({ operation, target, cloud, now: clock.now() }),
      (error: ConflictError) => error.code === "memory_policy_exists",
    );
    assert.deepEqual(puts, []);

    const planned = await plan(cloud, { targetPercent: 60, replaceExisting: true });
    assert.deepEqual(planned.changes, [{ field: "memoryTargetPercent", from: 80, to: 60 }]);
    const result = await driveOperation(
      putMemoryScalingPolicy,
      target,
      { targetPercent: 60, replaceExisting: true },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded");
    assert.deepEqual(puts, [{ policyName: "by-hand", targetPercent: 60 }]);
    assert.deepEqual(await cloud.autoScaling.describeMemoryTargetTracking(ASG_NAME), puts[0]);
  });

  it("puts once when the act step runs again after a crash", async () => {
    const { cloud, puts } = countingPuts(freshCloud());
    const operation = storedOperation(putMemoryScalingPolicy, target, { targetPercent: 72 }, clock.now());
    const outcomes = await resumeOperation(putMemoryScalingPolicy, operation, target, cloud, clock, {
      crashAfter: (outcome) => outcome.type === "advance",
    });
    assert.deepEqual(
      outcomes.map((o) => o.type),
      ["advance", "advance", "succeeded"],
      "act ran twice",
    );
    assert.equal(puts.length, 1, "the cloud saw one put");
  });

  it("fails verification when the policy is gone or changed after it was put", async () => {
    const cloud = freshCloud();
    const operation = storedOperation(putMemoryScalingPolicy, target, { targetPercent: 65 }, clock.now());
    operation.step = "verify";
    operation.state = { policyName: memoryPolicyNameOf(ASG_NAME), targetPercent: 65 };
    const missing = await putMemoryScalingPolicy.step({ operation, target, cloud, now: clock.now() });
    assert.equal(missing.type === "failed" && missing.code, "not_verified");
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, { policyName: "other", targetPercent: 50 });
    const changed = await putMemoryScalingPolicy.step({ operation, target, cloud, now: clock.now() });
    assert.ok(changed.type === "failed" && /at 50%, not 65%/.test(changed.message));
  });

  it("bounds the target between 20% and 95%", async () => {
    const cloud = freshCloud();
    await assert.rejects(plan(cloud, { targetPercent: 99 }), { code: "validation_failed" });
    await assert.rejects(plan(cloud, { targetPercent: 10 }), { code: "validation_failed" });
  });
});
