import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASG_NAME, type CloudPort, type MetricQuery } from "@fastier/core";
import { MINUTE, openSimWorld } from "./simTestWorld.ts";

/** The simulator's daily peak: 2 × t3.medium use about 90% of their memory. */
const PEAK = new Date("2026-11-24T17:00:00.000Z");
const POLICY = { policyName: "memory-65", targetPercent: 65 };

const groupMemoryAverage: MetricQuery = {
  id: "mem",
  namespace: "CWAgent",
  metricName: "mem_used_percent",
  dimensions: { AutoScalingGroupName: ASG_NAME },
  period: 60,
  stat: "Average",
};

/** The group's Average mem_used_percent over the one-minute period starting `minutesAfterPeak` after 17:00. */
async function memoryAt(cloud: CloudPort, minutesAfterPeak: number): Promise<number> {
  const start = new Date(PEAK.getTime() + minutesAfterPeak * MINUTE);
  const result = await cloud.metrics.getMetricData({
    queries: [groupMemoryAverage],
    start,
    end: new Date(start.getTime() + MINUTE),
  });
  const value = result.series[0]?.points[0]?.value;
  assert.ok(value !== undefined, `no datapoint ${minutesAfterPeak} minutes after the peak`);
  return value;
}

interface Step {
  minute: number;
  desired: number;
  inService: number;
}

/** Advances the clock a minute at a time, reading the group after each (which advances the world). */
async function watch(cloud: CloudPort, advance: (ms: number) => void, minutes: number): Promise<Step[]> {
  const timeline: Step[] = [];
  for (let minute = 1; minute <= minutes; minute += 1) {
    advance(MINUTE);
    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.ok(group);
    timeline.push({
      minute,
      desired: group.desiredCapacity,
      inService: group.instances.filter((i) => i.lifecycleState === "InService").length,
    });
  }
  return timeline;
}

describe("simulated target tracking on memory", () => {
  it("scales a group at the peak out by itself until its memory is about the target", async () => {
    const { cloud, clock } = await openSimWorld({ start: PEAK });
    const before = await memoryAt(cloud, 0);
    assert.ok(before > 85, `2 instances at the peak: ${before}%`);
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, POLICY);

    const timeline = await watch(cloud, (ms) => clock.advance(ms), 20);
    const firstOut = timeline.find((step) => step.desired > 2);
    assert.ok(firstOut, JSON.stringify(timeline));
    assert.ok(firstOut.minute <= 2, `the first evaluation scales out: ${JSON.stringify(timeline)}`);
    const last = timeline.at(-1) as Step;
    assert.ok(last.desired >= 3 && last.desired <= 6, JSON.stringify(timeline));
    assert.equal(last.inService, last.desired, "every launched instance came InService");
    // Desired capacity only grows while memory is above the target.
    assert.ok(timeline.every((step, i) => i === 0 || step.desired >= (timeline[i - 1] as Step).desired));

    const after = await memoryAt(cloud, 19);
    assert.ok(after <= 65 + 2 && after >= 65 - 10, `about the target: ${after}% (was ${before}%)`);
    console.log(
      `memory ${before}% → ${after}%; capacity ${JSON.stringify(timeline.map((s) => [s.desired, s.inService]))}`,
    );

    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.deepEqual([group?.minSize, group?.maxSize], [2, 6], "the limits are the policy's bounds, unchanged");
  });

  it("changes nothing without a policy", async () => {
    const { cloud, clock } = await openSimWorld({ start: PEAK });
    const timeline = await watch(cloud, (ms) => clock.advance(ms), 20);
    assert.ok(
      timeline.every((step) => step.desired === 2 && step.inService === 2),
      JSON.stringify(timeline),
    );
    assert.ok((await memoryAt(cloud, 19)) > 85, "memory stays high");
  });

  it("stops at the group's max capacity", async () => {
    const { cloud, clock } = await openSimWorld({ start: PEAK });
    await cloud.autoScaling.updateLimits(ASG_NAME, { maxSize: 3 });
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, POLICY);
    const timeline = await watch(cloud, (ms) => clock.advance(ms), 20);
    assert.ok(
      timeline.some((step) => step.desired === 3),
      JSON.stringify(timeline),
    );
    assert.ok(
      timeline.every((step) => step.desired <= 3),
      JSON.stringify(timeline),
    );
    const held = await memoryAt(cloud, 19);
    assert.ok(held > 65, `capped at 3 instances, memory stays above the target: ${held}%`);
  });

  it("gives the same group whether time passes in one jump or minute by minute", async () => {
    const stepped = await openSimWorld({ start: PEAK });
    const jumped = await openSimWorld({ start: PEAK });
    for (const { cloud } of [stepped, jumped]) await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, POLICY);
    await watch(stepped.cloud, (ms) => stepped.clock.advance(ms), 20);
    jumped.clock.advance(20 * MINUTE);
    const [a] = await stepped.cloud.autoScaling.describeGroups([ASG_NAME]);
    const [b] = await jumped.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.ok(a && b);
    assert.ok(a.desiredCapacity > 2);
    assert.deepEqual(b, a);
  });

  it("scales back in one instance at a time as the load falls, and not while it would exceed the target", async () => {
    const { cloud, clock } = await openSimWorld({ start: PEAK });
    await cloud.autoScaling.putMemoryTargetTracking(ASG_NAME, POLICY);
    clock.advance(60 * MINUTE);
    const [peak] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(peak?.desiredCapacity, 4, "4 at the peak, held there: 3 would be over the target");
    // The next trough, 05:00 UTC: 3 instances use about 51%. AWS's formula (ceil(3 × 51 / 65) = 3) keeps
    // them, as memory does not fall in proportion with fewer instances; 4 → 3 came in the evening.
    clock.set(new Date("2026-11-25T05:00:00.000Z"));
    const [trough] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(trough?.desiredCapacity, 3);
    assert.equal(trough?.instances.length, 3, "the fourth is gone");
    // And out again at the next peak.
    clock.set(new Date("2026-11-25T17:30:00.000Z"));
    const [next] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(next?.desiredCapacity, 4);
  });
});
