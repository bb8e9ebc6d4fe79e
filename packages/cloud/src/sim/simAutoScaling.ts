import {
  type AutoScalingGroupState,
  type CapacityLimits,
  MEMORY_METRIC,
  type MemoryScalingPolicy,
} from "@fastier/core";
import { simError } from "./simErrors.ts";
import { newInstanceId } from "./simIds.ts";
import type {
  SimAutoScalingGroup,
  SimChange,
  SimContext,
  SimInstance,
  SimScalingPolicy,
  SimWorld,
} from "./simState.ts";
import { DAY, MINUTE, SECOND, toDate, toIso, toMs } from "./simTime.ts";

/** A launched instance boots and passes the ELB health check in about three minutes. */
const BOOT_MS = 3 * MINUTE;
const BOOT_JITTER_MS = 30 * SECOND;
/** Deregistration delay and shutdown. */
const TERMINATION_MS = 1 * MINUTE;
const TERMINATION_JITTER_MS = 15 * SECOND;
/** How long terminated instances are remembered for metrics of the past. */
const RETIRED_HISTORY_MS = 15 * DAY;
/** The simulated account's instance quota for one group; keeps the document small. */
const MAX_GROUP_SIZE = 100;

export function findGroup(world: SimWorld, name: string): SimAutoScalingGroup {
  const group = world.groups.find((candidate) => candidate.name === name);
  if (!group) {
    throw simError(
      "not_found",
      "autoscaling",
      "ValidationError",
      `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`,
    );
  }
  return group;
}

export function setDesiredCapacity(
  world: SimWorld,
  ctx: SimContext,
  groupName: string,
  desiredCapacity: number,
): SimChange<void> {
  const next = structuredClone(world);
  const group = findGroup(next, groupName);
  requireCount("DesiredCapacity", desiredCapacity);
  if (desiredCapacity > group.maxSize) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `New SetDesiredCapacity value ${desiredCapacity} is above max value ${group.maxSize} for the AutoScalingGroup.`,
    );
  }
  if (desiredCapacity < group.minSize) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `New SetDesiredCapacity value ${desiredCapacity} is below min value ${group.minSize} for the AutoScalingGroup.`,
    );
  }
  group.desiredCapacity = desiredCapacity;
  matchDesiredCapacity(next, group, ctx);
  return { world: next, result: undefined };
}

/**
 * Like UpdateAutoScalingGroup: limits must keep min ≤ max; an explicit desired
 * capacity must fit them, and without one the current desired capacity is
 * pulled into the new limits.
 */
export function updateLimits(
  world: SimWorld,
  ctx: SimContext,
  groupName: string,
  limits: CapacityLimits,
): SimChange<void> {
  const next = structuredClone(world);
  const group = findGroup(next, groupName);
  if (limits.minSize !== undefined) requireCount("MinSize", limits.minSize);
  if (limits.maxSize !== undefined) requireCount("MaxSize", limits.maxSize);
  if (limits.desiredCapacity !== undefined) requireCount("DesiredCapacity", limits.desiredCapacity);
  const minSize = limits.minSize ?? group.minSize;
  const maxSize = limits.maxSize ?? group.maxSize;
  if (minSize > maxSize) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`,
    );
  }
  if (maxSize > MAX_GROUP_SIZE) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "LimitExceeded",
      `MaxSize ${maxSize} exceeds the simulated account's limit of ${MAX_GROUP_SIZE} instances per group.`,
    );
  }
  const desired = limits.desiredCapacity;
  if (desired !== undefined && (desired < minSize || desired > maxSize)) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`,
    );
  }
  group.minSize = minSize;
  group.maxSize = maxSize;
  group.desiredCapacity = desired ?? Math.min(maxSize, Math.max(minSize, group.desiredCapacity));
  matchDesiredCapacity(next, group, ctx);
  return { world: next, result: undefined };
}

function requireCount(parameter: string, value: number) {
  if (!Number.isInteger(value) || value < 0) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `${parameter} must be a whole number of instances (0 or more); got ${value}`,
    );
  }
}

/** Instances that count towards the desired capacity: everything not on its way out. */
export const liveInstances = (group: SimAutoScalingGroup) =>
  group.instances.filter(
    (instance) => instance.lifecycleState === "Pending" || instance.lifecycleState === "InService",
  );

/**
 * Sets the desired capacity of a group in a draft world and launches or terminates to match, as a
 * scaling policy does; the caller keeps it within the limits.
 */
export function scaleDraftGroup(world: SimWorld, group: SimAutoScalingGroup, ctx: SimContext, desired: number): void {
  group.desiredCapacity = desired;
  matchDesiredCapacity(world, group, ctx);
}

/** Launches or picks instances for termination until the live count equals the desired capacity. */
function matchDesiredCapacity(world: SimWorld, group: SimAutoScalingGroup, ctx: SimContext) {
  // A refresh's or an update's batch is capacity above the desired one: scaling leaves it alone.
  const counted = () => liveInstances(group).filter((i) => !group.replacement?.batch.includes(i.instanceId));
  while (counted().length < group.desiredCapacity) launchInstance(world, group, ctx);
  while (counted().length > group.desiredCapacity) startTermination(group, ctx, counted());
}

function countByZone(group: SimAutoScalingGroup): Map<string, number> {
  const counts = new Map(group.availabilityZones.map((zone) => [zone, 0]));
  for (const instance of liveInstances(group)) {
    counts.set(instance.availabilityZone, (counts.get(instance.availabilityZone) ?? 0) + 1);
  }
  return counts;
}

/** New instances go to the zone with the fewest, like Auto Scaling's AZ rebalancing; a refresh names the type. */
export function launchInstance(
  world: SimWorld,
  group: SimAutoScalingGroup,
  ctx: SimContext,
  instanceType = group.instanceType,
): SimInstance {
  const counts = countByZone(group);
  const zone = [...counts.entries()].reduce((best, entry) => (entry[1] < best[1] ? entry : best))[0];
  const zoneIndex = group.availabilityZones.indexOf(zone);
  const number = group.nextInstanceNumber;
  group.nextInstanceNumber += 1;
  const instanceId = newInstanceId(world);
  const bootMs = BOOT_MS + Math.floor(ctx.draw(`boot:${instanceId}`) * BOOT_JITTER_MS);
  const instance: SimInstance = {
    instanceId,
    name: `${group.instanceNamePrefix}-${number}`,
    availabilityZone: zone,
    instanceType,
    privateIp: `10.0.${zoneIndex + 1}.${20 + (number % 230)}`,
    lifecycleState: "Pending",
    launchedAt: toIso(ctx.now),
    inServiceAt: toIso(ctx.now + bootMs),
    terminatingAt: null,
    terminatedAt: null,
  };
  group.instances.push(instance);
  return instance;
}

/** Scale-in keeps the zones balanced and, within the fullest zones, removes the newest instance. */
function startTermination(group: SimAutoScalingGroup, ctx: SimContext, live = liveInstances(group)) {
  const counts = countByZone(group);
  const fullest = Math.max(...counts.values());
  let candidates = live.filter((instance) => counts.get(instance.availabilityZone) === fullest);
  if (candidates.length === 0) candidates = live;
  const newest = candidates.reduce((best, instance) =>
    toMs(instance.launchedAt) >= toMs(best.launchedAt) ? instance : best,
  );
  retireInstance(newest, ctx);
}

/** Takes an instance out of the load balancer now; it is gone after the deregistration delay. */
export function retireInstance(instance: SimInstance, ctx: SimContext) {
  const shutdownMs = TERMINATION_MS + Math.floor(ctx.draw(`shutdown:${instance.instanceId}`) * TERMINATION_JITTER_MS);
  instance.lifecycleState = "Terminating";
  instance.terminatingAt = toIso(ctx.now);
  instance.terminatedAt = toIso(ctx.now + shutdownMs);
}

/** Applies every lifecycle change due by `now` to a draft world. */
export function applyDueInstanceTransitions(world: SimWorld, now: number): void {
  for (const group of world.groups) {
    const stillThere: SimInstance[] = [];
    for (const instance of group.instances) {
      if (instance.lifecycleState === "Pending" && toMs(instance.inServiceAt) <= now) {
        instance.lifecycleState = "InService";
      }
      if (instance.lifecycleState === "Terminating" && instance.terminatedAt && toMs(instance.terminatedAt) <= now) {
        group.retiredInstances.push({ ...instance, lifecycleState: "Terminated" });
      } else {
        stillThere.push(instance);
      }
    }
    group.instances = stillThere;
    group.retiredInstances = group.retiredInstances.filter(
      (instance) => instance.terminatedAt !== null && now - toMs(instance.terminatedAt) <= RETIRED_HISTORY_MS,
    );
  }
}

export function describeGroup(group: SimAutoScalingGroup): AutoScalingGroupState {
  return {
    name: group.name,
    arn: group.arn,
    minSize: group.minSize,
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    availabilityZones: [...group.availabilityZones],
    instanceType: group.instanceType,
    launchTemplate: group.launchTemplate,
    beanstalkEnvironmentId: group.parentCloudId,
    instances: group.instances.map((instance) => ({
      instanceId: instance.instanceId,
      availabilityZone: instance.availabilityZone,
      lifecycleState: instance.lifecycleState,
      healthStatus: "Healthy",
      instanceType: instance.instanceType,
    })),
    tags: { ...group.tags },
    createdAt: toDate(group.createdAt),
  };
}

/** Like DescribeAutoScalingGroups: unknown names are simply absent from the answer. */
export function describeGroups(world: SimWorld, names?: string[]): AutoScalingGroupState[] {
  const wanted = names ? new Set(names) : null;
  return world.groups.filter((group) => !wanted || wanted.has(group.name)).map(describeGroup);
}

/** The group's target-tracking policy on the agent's memory metric, as AWS discovery recognises one. */
export function memoryPolicyOf(group: SimAutoScalingGroup): MemoryScalingPolicy | null {
  const policy = storedMemoryPolicy(group);
  return policy ? { policyName: policy.policyName, targetPercent: policy.targetValue } : null;
}

/** The stored policy behind memoryPolicyOf, with its cooldown state; undefined when there is none. */
export const storedMemoryPolicy = (group: SimAutoScalingGroup): SimScalingPolicy | undefined =>
  group.scalingPolicies.find(
    (p) => p.namespace === MEMORY_METRIC.namespace && p.metricName === MEMORY_METRIC.metricName,
  );

/** Like PutScalingPolicy with a customized metric: creates the policy or replaces the one of that name. */
export function putMemoryTargetTracking(
  world: SimWorld,
  groupName: string,
  policy: MemoryScalingPolicy,
): SimChange<void> {
  const next = structuredClone(world);
  const group = findGroup(next, groupName);
  if (!Number.isFinite(policy.targetPercent) || policy.targetPercent <= 0 || policy.targetPercent > 100) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `TargetValue ${policy.targetPercent} is not a percentage of mem_used_percent`,
    );
  }
  if (policy.policyName.length === 0 || policy.policyName.length > 255) {
    throw simError("invalid_request", "autoscaling", "ValidationError", "PolicyName must be 1 to 255 characters");
  }
  const stored = {
    policyName: policy.policyName,
    namespace: MEMORY_METRIC.namespace,
    metricName: MEMORY_METRIC.metricName,
    targetValue: policy.targetPercent,
  };
  group.scalingPolicies = [...group.scalingPolicies.filter((p) => p.policyName !== policy.policyName), stored];
  return { world: next, result: undefined };
}
