import { unitHash, uuidFromDraws } from "./keyedRandom.ts";
import { newInstanceId } from "./simIds.ts";
import { firstLaunchTemplate } from "./simLaunchTemplates.ts";
import type { SimAutoScalingGroup, SimWorld } from "./simState.ts";
import { DAY, MINUTE, toIso } from "./simTime.ts";

/**
 * A group outside Beanstalk, launched from a launch template of its own (a worker fleet, say).
 * Fastier's account has none; a simulation can be seeded with some to exercise what only plain
 * groups do (launch template versions, instance refreshes).
 */
export interface PlainGroupSeed {
  name: string;
  instanceType: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  tags?: Record<string, string>;
}

export function seedPlainGroup(world: SimWorld, seed: PlainGroupSeed, now: number): SimAutoScalingGroup {
  const zones = world.groups[0]?.availabilityZones ?? [`${world.region}a`, `${world.region}b`];
  const createdAt = toIso(now - 30 * DAY);
  const launchedAt = now - DAY;
  const instances = Array.from({ length: seed.desiredCapacity }, (_, index) => ({
    instanceId: newInstanceId(world),
    name: `${seed.name}-${index + 1}`,
    availabilityZone: zones[index % zones.length] ?? `${world.region}a`,
    instanceType: seed.instanceType,
    privateIp: `10.0.${(index % zones.length) + 1}.${100 + index}`,
    lifecycleState: "InService" as const,
    launchedAt: toIso(launchedAt),
    inServiceAt: toIso(launchedAt + 3 * MINUTE),
    terminatingAt: null,
    terminatedAt: null,
  }));
  return {
    name: seed.name,
    arn: `arn:aws:autoscaling:${world.region}:${world.awsAccountId}:autoScalingGroup:${uuidFromDraws(unitHash, `${world.idSalt}:asg:${seed.name}`)}:autoScalingGroupName/${seed.name}`,
    minSize: seed.minSize,
    maxSize: seed.maxSize,
    desiredCapacity: seed.desiredCapacity,
    availabilityZones: [...zones],
    instanceType: seed.instanceType,
    launchTemplate: `${seed.name}-lt`,
    ...firstLaunchTemplate(world.idSalt, seed.name, seed.instanceType, createdAt),
    healthCheckType: "ELB",
    tags: { ...seed.tags },
    createdAt,
    parentCloudId: null,
    instances,
    retiredInstances: [],
    instanceNamePrefix: seed.name,
    nextInstanceNumber: instances.length + 1,
    scalingPolicies: [],
  };
}
