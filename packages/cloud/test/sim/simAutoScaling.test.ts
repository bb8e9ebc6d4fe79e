import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASG_NAME, FASTIER_PRODUCTION_RESOURCES } from "@fastier/core";
import { MINUTE, openSimWorld, rejectsWith } from "./simTestWorld.ts";

const SEEDED_INSTANCES = FASTIER_PRODUCTION_RESOURCES.filter((r) => r.kind === "instance").map((r) => r.cloudId);

describe("simulated Auto Scaling", () => {
  it("describes Fastier's group as seeded and leaves unknown names out, like AWS", async () => {
    const { cloud } = await openSimWorld();
    const groups = await cloud.autoScaling.describeGroups();
    assert.equal(groups.length, 1);
    const group = groups[0];
    assert.equal(group?.name, ASG_NAME);
    assert.deepEqual([group?.minSize, group?.maxSize, group?.desiredCapacity], [2, 6, 2]);
    assert.equal(group?.instanceType, "t3.medium");
    assert.deepEqual(group?.availabilityZones, ["us-east-1a", "us-east-1b"]);
    assert.deepEqual(group?.instances.map((i) => i.instanceId).sort(), [...SEEDED_INSTANCES].sort());
    assert.deepEqual(group?.instances.map((i) => i.availabilityZone).sort(), ["us-east-1a", "us-east-1b"]);
    assert.ok(group?.instances.every((i) => i.lifecycleState === "InService" && i.healthStatus === "Healthy"));
    assert.deepEqual(await cloud.autoScaling.describeGroups(["no-such-group"]), []);
  });

  it("refuses a desired capacity outside the limits, naming them, and unknown groups", async () => {
    const { cloud } = await openSimWorld();
    await rejectsWith(cloud.autoScaling.setDesiredCapacity(ASG_NAME, 7), "invalid_request", "above max value 6");
    await rejectsWith(cloud.autoScaling.setDesiredCapacity(ASG_NAME, 1), "invalid_request", "below min value 2");
    await rejectsWith(cloud.autoScaling.setDesiredCapacity(ASG_NAME, 2.5), "invalid_request", "whole number");
    const missing = await rejectsWith(cloud.autoScaling.setDesiredCapacity("nope", 3), "not_found", "nope");
    assert.equal((missing as { providerCode?: string }).providerCode, "ValidationError");
    assert.equal((await cloud.autoScaling.describeGroups([ASG_NAME]))[0]?.desiredCapacity, 2);
  });

  it("launches instances that are Pending for about three minutes, then InService, spread over the zones", async () => {
    const { cloud, clock } = await openSimWorld();
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(group?.desiredCapacity, 4);
    const launched = group?.instances.filter((i) => !SEEDED_INSTANCES.includes(i.instanceId)) ?? [];
    assert.equal(launched.length, 2);
    for (const instance of launched) {
      assert.match(instance.instanceId, /^i-0[0-9a-f]{16}$/);
      assert.equal(instance.lifecycleState, "Pending");
      assert.equal(instance.instanceType, "t3.medium");
    }
    assert.deepEqual(launched.map((i) => i.availabilityZone).sort(), ["us-east-1a", "us-east-1b"]);

    clock.advance(2 * MINUTE);
    const [booting] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(booting?.instances.filter((i) => i.lifecycleState === "Pending").length, 2);
    clock.advance(2 * MINUTE);
    const [ready] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(ready?.instances.length, 4);
    assert.ok(ready?.instances.every((i) => i.lifecycleState === "InService"));
  });

  it("scales in by terminating the newest instances, gone after about a minute", async () => {
    const { cloud, clock } = await openSimWorld();
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    clock.advance(5 * MINUTE);
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 2);
    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    const terminating = group?.instances.filter((i) => i.lifecycleState === "Terminating") ?? [];
    assert.equal(terminating.length, 2);
    assert.ok(
      terminating.every((i) => !SEEDED_INSTANCES.includes(i.instanceId)),
      "the seeded (older) instances stay",
    );
    clock.advance(2 * MINUTE);
    const [after] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.deepEqual(after?.instances.map((i) => i.instanceId).sort(), [...SEEDED_INSTANCES].sort());
  });

  it("keeps the zones balanced when scaling in from an odd count", async () => {
    const { cloud, clock } = await openSimWorld();
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 5);
    clock.advance(5 * MINUTE);
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    clock.advance(2 * MINUTE);
    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    const zones = group?.instances.map((i) => i.availabilityZone) ?? [];
    assert.equal(zones.filter((z) => z === "us-east-1a").length, 2);
    assert.equal(zones.filter((z) => z === "us-east-1b").length, 2);
  });

  it("updates limits: refuses min > max and a desired capacity outside them, clamps desired otherwise", async () => {
    const { cloud, clock } = await openSimWorld();
    await rejectsWith(
      cloud.autoScaling.updateLimits(ASG_NAME, { maxSize: 1 }),
      "invalid_request",
      "Max bound, 1, must be greater than or equal to min bound, 2",
    );
    await rejectsWith(
      cloud.autoScaling.updateLimits(ASG_NAME, { minSize: 3, maxSize: 5, desiredCapacity: 6 }),
      "invalid_request",
      "min size:3",
      "max size:5",
    );
    await rejectsWith(cloud.autoScaling.updateLimits(ASG_NAME, { minSize: -1 }), "invalid_request");
    await rejectsWith(cloud.autoScaling.updateLimits("nope", { minSize: 1 }), "not_found");

    await cloud.autoScaling.updateLimits(ASG_NAME, { minSize: 3 });
    let [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.deepEqual([group?.minSize, group?.maxSize, group?.desiredCapacity], [3, 6, 3], "desired pulled up to min");
    assert.equal(group?.instances.length, 3);

    clock.advance(5 * MINUTE);
    await cloud.autoScaling.updateLimits(ASG_NAME, { minSize: 1, maxSize: 1 });
    [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.deepEqual([group?.minSize, group?.maxSize, group?.desiredCapacity], [1, 1, 1], "desired pulled down to max");
    assert.equal(group?.instances.filter((i) => i.lifecycleState === "Terminating").length, 2);

    await cloud.autoScaling.updateLimits(ASG_NAME, { minSize: 2, maxSize: 10, desiredCapacity: 8 });
    [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.deepEqual([group?.minSize, group?.maxSize, group?.desiredCapacity], [2, 10, 8]);
    assert.equal(group?.instances.filter((i) => i.lifecycleState !== "Terminating").length, 8);
  });
});
