import { unitHash } from "./keyedRandom.ts";
import { memUsedPercent } from "./loadModel.ts";
import { scaleDraftGroup, storedMemoryPolicy } from "./simAutoScaling.ts";
import type { SimAutoScalingGroup, SimContext, SimScalingPolicy, SimWorld } from "./simState.ts";
import { MINUTE, toIso, toMs } from "./simTime.ts";
import { instanceServingAt } from "./worldIndex.ts";

/**
 * Target tracking on the CloudWatch agent's memory metric, as AWS Auto Scaling
 * does it for a policy put by PutScalingPolicy (see simAutoScaling.ts).
 *
 * The numbers, and why:
 * - Evaluated once a simulated minute, on the group's Average `mem_used_percent`
 *   over the instances in service at that minute, computed by the same load model
 *   and per-instance noise the simulated CloudWatch publishes: the policy acts on
 *   what the control plane sees. The agent reports every minute, so that is as
 *   often as AWS's alarms could react.
 * - Scale out when the average is above the target, to ceil(n × avg / target) for
 *   the n instances in service: AWS assumes the metric is proportional to load
 *   per instance. Here each instance also carries a fixed overhead, so one step
 *   can fall short and a second one follows after the cooldown.
 * - Scale-out cooldown 5 minutes: AWS's default instance warmup is 300 s, and an
 *   instance here takes about 3 to 3.5 minutes to come InService, so the next
 *   evaluation after the cooldown sees the new instances sharing the load.
 * - Scale in only below 90% of the target, one instance at a time, once every
 *   instance counted is in service, 15 minutes after the policy last scaled
 *   either way, and only when AWS's own formula wants fewer instances
 *   (ceil(n × avg / target) < n, i.e. the rest would stay at or under the target
 *   if memory were proportional to load): AWS's scale-in alarm wants 15 minutes
 *   of datapoints under about 90% of the target and removes capacity gradually.
 *   Without the formula's check a group at the peak flapped between 3 and 4 every
 *   15 minutes (4 × t3.medium sit just under 58.5%, 3 at 69%). The price: memory
 *   is not proportional (the per-instance overhead stays), so after a peak a 65%
 *   policy keeps 3 instances where 2 would do at the trough, as AWS would too.
 * - Never outside min/max: the limits bound every change.
 *
 * Deterministic: a decision depends on the world and the minute alone, boot times
 * are keyed draws on the instance id, and the minutes evaluated are exactly those
 * between the time the world was last advanced to and the new time. Groups
 * without a memory policy are skipped before anything is computed.
 */
export const TARGET_TRACKING = {
  evaluationMs: MINUTE,
  scaleOutCooldownMs: 5 * MINUTE,
  scaleInCooldownMs: 15 * MINUTE,
  /** Scale in only when the average is under target × this. */
  scaleInBelow: 0.9,
} as const;

/** Runs every memory policy in a draft world for each whole minute in (from, to]. */
export function applyTargetTracking(world: SimWorld, from: number, to: number): void {
  for (const group of world.groups) {
    if (group.scalingPolicies.length === 0) continue;
    const policy = storedMemoryPolicy(group);
    if (!policy) continue;
    const first = Math.floor(from / TARGET_TRACKING.evaluationMs) + 1;
    const last = Math.floor(to / TARGET_TRACKING.evaluationMs);
    for (let step = first; step <= last; step += 1) {
      evaluate(world, group, policy, step * TARGET_TRACKING.evaluationMs);
    }
  }
}

/** The group's Average mem_used_percent at `time` and over how many instances; null when none is in service. */
export function groupMemoryAverage(
  group: SimAutoScalingGroup,
  time: number,
): { average: number; count: number } | null {
  const serving = group.instances.filter((instance) => instanceServingAt(instance, time));
  if (serving.length === 0) return null;
  let sum = 0;
  for (const instance of serving) {
    sum += memUsedPercent(time, serving.length, instance.instanceType, instance.instanceId);
  }
  return { average: sum / serving.length, count: serving.length };
}

function evaluate(world: SimWorld, group: SimAutoScalingGroup, policy: SimScalingPolicy, time: number) {
  const measured = groupMemoryAverage(group, time);
  if (!measured) return;
  const { average, count } = measured;
  const target = policy.targetValue;
  const since = (at: string | undefined) => (at === undefined ? Number.POSITIVE_INFINITY : time - toMs(at));
  // Launches within a policy's step use keyed draws, so every process boots them identically.
  const ctx: SimContext = { now: time, draw: unitHash, pipelineFailureRate: 0 };

  if (average > target) {
    const wanted = Math.min(group.maxSize, Math.ceil((count * average) / target));
    if (wanted > group.desiredCapacity && since(policy.lastScaleOutAt) >= TARGET_TRACKING.scaleOutCooldownMs) {
      scaleDraftGroup(world, group, ctx, wanted);
      policy.lastScaleOutAt = toIso(time);
    }
    return;
  }
  const settled = count === group.desiredCapacity;
  const quiet =
    since(policy.lastScaleOutAt) >= TARGET_TRACKING.scaleInCooldownMs &&
    since(policy.lastScaleInAt) >= TARGET_TRACKING.scaleInCooldownMs;
  if (
    settled &&
    quiet &&
    count > 1 &&
    group.desiredCapacity > group.minSize &&
    average < target * TARGET_TRACKING.scaleInBelow &&
    Math.ceil((count * average) / target) < count
  ) {
    scaleDraftGroup(world, group, ctx, group.desiredCapacity - 1);
    policy.lastScaleInAt = toIso(time);
  }
}
