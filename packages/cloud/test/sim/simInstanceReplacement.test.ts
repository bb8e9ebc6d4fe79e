import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASG_NAME, type CloudPort } from "@fastier/core";
import { FAIL_REPLACEMENT_TAG } from "../../src/sim/index.ts";
import { MINUTE, openSimWorld } from "./simTestWorld.ts";

const PEAK = new Date("2026-11-24T16:30:00.000Z");
const WORKERS = "fastier-workers";

/** Instances not on their way out. */
async function live(cloud: CloudPort, group: string) {
  const [found] = await cloud.autoScaling.describeGroups([group]);
  assert.ok(found);
  return {
    group: found,
    live: found.instances.filter((i) => i.lifecycleState === "Pending" || i.lifecycleState === "InService"),
  };
}

describe("simulated replacements while the group scales", () => {
  it("finishes a Beanstalk update at peak while memory target tracking scales the group, all on the new type", async () => {
    const world = await openSimWorld({ start: PEAK });
    const { cloud, clock } = world;
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, { policyName: "memory", targetPercent: 65 });
    await cloud.beanstalk.updateInstanceTypes("e-fastierprod", ["t3.large"]);
    const desired = new Set<number>();
    for (let minute = 0; minute < 60; minute += 1) {
      const { group, live: running } = await live(cloud, ASG_NAME);
      desired.add(group.desiredCapacity);
      const serving = running.filter((i) => i.lifecycleState === "InService").length;
      // Launch before terminate: never fewer in service than Beanstalk's minimum.
      assert.ok(serving >= 2, `minute ${minute}: ${serving} in service`);
      clock.advance(MINUTE);
    }
    assert.ok(desired.size > 1, `target tracking changed the desired capacity meanwhile: ${[...desired]}`);
    const environment = await cloud.beanstalk.describeEnvironment("e-fastierprod");
    assert.equal(environment.status, "Ready");
    const { group, live: running } = await live(cloud, ASG_NAME);
    assert.equal(running.length, group.desiredCapacity, "as many as desired, none lost to the replacement");
    assert.ok(running.every((i) => i.instanceType === "t3.large" && i.lifecycleState === "InService"));
  });

  it("keeps the desired capacity a refresh is asked to change meanwhile", async () => {
    const world = await openSimWorld({
      plainGroups: [{ name: WORKERS, instanceType: "t3.medium", minSize: 1, maxSize: 6, desiredCapacity: 2 }],
    });
    const { cloud, clock } = world;
    const template = await cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.ok(template);
    const version = await cloud.autoScaling.createLaunchTemplateVersion({
      launchTemplateId: template.launchTemplateId,
      sourceVersion: 1,
      instanceType: "m6i.large",
      versionDescription: "m6i",
    });
    await cloud.autoScaling.startInstanceRefresh(WORKERS, {
      launchTemplateId: template.launchTemplateId,
      version: version.versionNumber,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 150,
      autoRollback: true,
    });
    clock.advance(2 * MINUTE);
    await cloud.autoScaling.setDesiredCapacity(WORKERS, 3);
    clock.advance(2 * MINUTE);
    const during = await live(cloud, WORKERS);
    assert.equal(during.live.length, 4, "three desired and the refresh's batch of one above them");
    clock.advance(40 * MINUTE);
    const [refresh] = await cloud.autoScaling.describeInstanceRefreshes(WORKERS);
    assert.equal(refresh?.status, "Successful");
    const { live: running } = await live(cloud, WORKERS);
    assert.deepEqual(
      running.map((i) => [i.instanceType, i.lifecycleState]),
      [
        ["m6i.large", "InService"],
        ["m6i.large", "InService"],
        ["m6i.large", "InService"],
      ],
    );
  });

  it("ends a failing refresh Failed without auto rollback, RollbackSuccessful with it, old instances kept either way", async () => {
    const world = await openSimWorld({
      plainGroups: [
        {
          name: WORKERS,
          instanceType: "t3.medium",
          minSize: 1,
          maxSize: 4,
          desiredCapacity: 2,
          tags: { [FAIL_REPLACEMENT_TAG]: "true" },
        },
      ],
    });
    const { cloud, clock } = world;
    const template = await cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.ok(template);
    const version = await cloud.autoScaling.createLaunchTemplateVersion({
      launchTemplateId: template.launchTemplateId,
      sourceVersion: 1,
      instanceType: "t3.large",
      versionDescription: "t3.large",
    });
    const outcomes: string[] = [];
    for (const autoRollback of [false, true]) {
      await cloud.autoScaling.startInstanceRefresh(WORKERS, {
        launchTemplateId: template.launchTemplateId,
        version: version.versionNumber,
        minHealthyPercentage: 100,
        maxHealthyPercentage: 200,
        autoRollback,
      });
      clock.advance(4 * MINUTE);
      assert.equal(
        (await cloud.autoScaling.describeInstanceRefreshes(WORKERS))[0]?.status,
        "InProgress",
        "within the grace period",
      );
      clock.advance(3 * MINUTE);
      const [refresh] = await cloud.autoScaling.describeInstanceRefreshes(WORKERS);
      outcomes.push(refresh?.status ?? "none");
      const { group, live: running } = await live(cloud, WORKERS);
      assert.equal(group.instanceType, "t3.medium");
      assert.deepEqual(
        running.map((i) => [i.instanceType, i.lifecycleState]),
        [
          ["t3.medium", "InService"],
          ["t3.medium", "InService"],
        ],
      );
    }
    assert.deepEqual(outcomes, ["Failed", "RollbackSuccessful"]);
  });
});
