import type pg from "pg";
import { seedFastierWorld } from "../packages/cloud/src/sim/fastierSeed.ts";
import { firstLaunchTemplate } from "../packages/cloud/src/sim/simLaunchTemplates.ts";
import type { SimAutoScalingGroup, SimInstance, SimWorld } from "../packages/cloud/src/sim/simState.ts";

/** How big a simulated fleet to build. */
export interface FleetShape {
  groups: number;
  instancesPerGroup: number;
}

export const REGION = "us-east-1";
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Fastier's seeded account with its one Auto Scaling group replaced by a fleet
 * of `groups` groups of `instancesPerGroup` instances each, every one in
 * service since three days before `now`. Databases (a primary with its
 * replica), pipelines and the static resources stay as seeded. Names and ids
 * are deterministic, so two runs build the same world.
 */
export function buildFleetWorld(now: number, shape: FleetShape, accountId: string): SimWorld {
  const world = seedFastierWorld({ now, region: REGION, idSalt: accountId });
  const parent = world.beanstalkEnvironment.cloudId;
  const launchedAt = now - 3 * DAY;
  world.groups = Array.from({ length: shape.groups }, (_, g): SimAutoScalingGroup => {
    const name = `fleet-web-${String(g + 1).padStart(4, "0")}`;
    const instances = Array.from(
      { length: shape.instancesPerGroup },
      (_, n): SimInstance => ({
        instanceId: `i-0${(g * 1000 + n).toString(16).padStart(16, "0")}`,
        name: `${name}-${n + 1}`,
        availabilityZone: ZONES[n % ZONES.length] as string,
        instanceType: "t3.medium",
        privateIp: `10.${Math.floor(g / 250)}.${g % 250}.${10 + n}`,
        lifecycleState: "InService",
        launchedAt: new Date(launchedAt).toISOString(),
        inServiceAt: new Date(launchedAt + 3 * MINUTE).toISOString(),
        terminatingAt: null,
        terminatedAt: null,
      }),
    );
    return {
      name,
      arn: `arn:aws:autoscaling:${REGION}:${world.awsAccountId}:autoScalingGroup:bench-${g}:autoScalingGroupName/${name}`,
      minSize: 2,
      maxSize: Math.max(shape.instancesPerGroup, 12),
      desiredCapacity: shape.instancesPerGroup,
      availabilityZones: ZONES,
      instanceType: "t3.medium",
      launchTemplate: `${name}-lt`,
      ...firstLaunchTemplate(accountId, name, "t3.medium", new Date(now - 30 * DAY).toISOString()),
      healthCheckType: "ELB",
      tags: { app: "fastier-web", env: "production", fleet: "bench" },
      createdAt: new Date(now - 30 * DAY).toISOString(),
      parentCloudId: parent,
      instances,
      retiredInstances: [],
      instanceNamePrefix: name,
      nextInstanceNumber: shape.instancesPerGroup + 1,
      scalingPolicies: [],
    };
  });
  return world;
}

/** Stores the world as the simulator's account row, as if the simulator had seeded it itself. */
export async function installSimWorld(pool: pg.Pool, accountId: string, world: SimWorld): Promise<number> {
  const json = JSON.stringify(world);
  await pool.query("INSERT INTO sim_accounts (id, state, version, updated_at) VALUES ($1, $2::jsonb, 1, now())", [
    accountId,
    json,
  ]);
  return json.length;
}
