import {
  backupReplicationAttribute,
  type DiscoveredResource,
  type DiscoveryResult,
  discoveredResource,
  FASTIER_TARGET_GROUP_ARN,
} from "@fastier/core";
import { deploysToEnvironment, faultyShareSampler, healthUnderFaults } from "./faultyReleases.ts";
import { memoryPolicyOf } from "./simAutoScaling.ts";
import { replicationsOfSource } from "./simBackupReplication.ts";
import { blueGreenEnvironments, terminationStatus } from "./simBlueGreen.ts";
import { endpointAddressOf, restorableWindow, roleOf } from "./simDatabases.ts";
import type { SimAutoScalingGroup, SimDbInstance, SimInstance, SimStaticResource, SimWorld } from "./simState.ts";

/**
 * The simulated account in the inventory's terms. Attribute keys match the
 * example inventory (fastierProduction.ts), so a sync of a fresh simulation
 * finds nothing to change but what really changed.
 */
export function discoverWorld(world: SimWorld, now: number): DiscoveryResult {
  const resources: DiscoveredResource[] = [
    // A terminated environment is gone from Beanstalk's answers (its group stays: see simBlueGreen.ts).
    ...(terminationStatus(world, world.beanstalkEnvironment.cloudId, now) === "Terminated"
      ? []
      : [beanstalkEnvironment(world, now)]),
    ...clonedEnvironments(world, now),
    ...world.groups.flatMap((group) => [
      autoScalingGroup(world, group),
      ...group.instances.map((i) => instance(world, group, i)),
    ]),
    loadBalancer(world),
    ...world.databases.map((db) => database(world, db, now)),
    ...world.pipelines.map(
      (pipeline): DiscoveredResource => ({
        ...discoveredResource({ kind: "pipeline", cloudId: pipeline.name, name: pipeline.name, region: world.region }),
        tags: { ...pipeline.tags },
        // Where its deploy stage goes, so the inventory links a pipeline to its environment's balancer.
        attributes: {
          ...pipeline.attributes,
          ...(deploysToEnvironment(pipeline) && { deployEnvironment: world.beanstalkEnvironment.name }),
        },
        pipeline: { stages: [...pipeline.stages] },
      }),
    ),
    staticResource(world.bucket, "s3_bucket"),
    staticResource(world.dnsRecord, "dns_record"),
  ];
  return { resources, failures: [] };
}

/** Worlds seeded before the balancer listed its target group get it here, so every sync shows it. */
function loadBalancer(world: SimWorld): DiscoveredResource {
  const resource = staticResource(world.loadBalancer, "load_balancer");
  resource.attributes.targetGroups = [FASTIER_TARGET_GROUP_ARN];
  return resource;
}

function staticResource(resource: SimStaticResource, kind: DiscoveredResource["kind"]): DiscoveredResource {
  return {
    ...discoveredResource({ kind: kind, cloudId: resource.cloudId, name: resource.name, region: resource.region }),
    availabilityZones: [...resource.availabilityZones],
    tags: { ...resource.tags },
    attributes: structuredClone(resource.attributes),
    parentCloudId: resource.parentCloudId,
  };
}

/** Elastic Beanstalk reports Yellow when its group has fewer healthy instances in service than its minimum. */
export function beanstalkHealthOf(world: SimWorld): "Green" | "Yellow" {
  const groups = world.groups.filter((group) => group.parentCloudId === world.beanstalkEnvironment.cloudId);
  const shortOfMinimum = groups.some(
    (group) => group.instances.filter((i) => i.lifecycleState === "InService").length < group.minSize,
  );
  return shortOfMinimum ? "Yellow" : "Green";
}

function beanstalkEnvironment(world: SimWorld, now: number): DiscoveredResource {
  const resource = staticResource(world.beanstalkEnvironment, "beanstalk_environment");
  // A faulty release turns Beanstalk's colour Yellow or Red on top of the group's own health.
  const health = healthUnderFaults(beanstalkHealthOf(world), faultyShareSampler(world)(now));
  resource.attributes.health = health;
  Object.assign(resource.attributes, cnameAttributes(world, world.beanstalkEnvironment.cloudId));
  const summary = blueGreenEnvironments(world, now)[0];
  const terminating = terminationStatus(world, world.beanstalkEnvironment.cloudId, now) !== null;
  resource.status = terminating
    ? "modifying"
    : world.environmentConfig.status === "Updating" || summary?.status === "Updating"
      ? "modifying"
      : health === "Red"
        ? "failed"
        : health === "Yellow"
          ? "degraded"
          : "active";
  return resource;
}

/** Which environment answers on the live host name: a blue/green swap moves it. */
function cnameAttributes(world: SimWorld, environmentId: string) {
  const cname = world.blueGreen.cnames[environmentId] ?? null;
  return { cname, holdsLiveCname: cname !== null && cname === world.beanstalkEnvironment.attributes.cname };
}

/** Environments a blue/green deploy cloned, until they are terminated. */
function clonedEnvironments(world: SimWorld, now: number): DiscoveredResource[] {
  return blueGreenEnvironments(world, now)
    .filter((e) => e.environmentId !== world.beanstalkEnvironment.cloudId && e.status !== "Terminated")
    .map((e) => ({
      ...discoveredResource({
        kind: "beanstalk_environment",
        cloudId: e.environmentId,
        name: e.environmentName,
        region: world.region,
      }),
      status: e.status === "Ready" ? "active" : e.status === "Terminating" ? "modifying" : "pending",
      attributes: {
        applicationName: e.applicationName,
        versionLabel: e.versionLabel,
        health: e.health,
        environmentStatus: e.status,
        ...cnameAttributes(world, e.environmentId),
      },
    }));
}

function autoScalingGroup(world: SimWorld, group: SimAutoScalingGroup): DiscoveredResource {
  const settled =
    group.instances.length === group.desiredCapacity &&
    group.instances.every((instance) => instance.lifecycleState === "InService");
  return {
    ...discoveredResource({ kind: "auto_scaling_group", cloudId: group.name, name: group.name, region: world.region }),
    availabilityZones: [...group.availabilityZones],
    tags: { ...group.tags },
    attributes: {
      healthCheckType: group.healthCheckType,
      launchTemplate: group.launchTemplate,
      memoryTargetTracking: memoryPolicyOf(group) !== null,
    },
    status: settled ? "active" : "modifying",
    instanceType: group.instanceType,
    capacity: { minSize: group.minSize, maxSize: group.maxSize, desiredCapacity: group.desiredCapacity },
    parentCloudId: group.parentCloudId,
  };
}

const INSTANCE_STATUS = {
  Pending: "pending",
  InService: "active",
  Terminating: "modifying",
  Terminated: "modifying",
} as const;

function instance(world: SimWorld, group: SimAutoScalingGroup, found: SimInstance): DiscoveredResource {
  return {
    ...discoveredResource({ kind: "instance", cloudId: found.instanceId, name: found.name, region: world.region }),
    availabilityZones: [found.availabilityZone],
    tags: { ...group.tags },
    attributes: { lifecycleState: found.lifecycleState, privateIp: found.privateIp },
    status: INSTANCE_STATUS[found.lifecycleState],
    instanceType: found.instanceType,
    parentCloudId: group.name,
  };
}

const withPort = (address: string | null) => (address ? `${address}:5432` : null);

const DB_STATUS: Record<string, DiscoveredResource["status"]> = {
  available: "active",
  creating: "pending",
  modifying: "modifying",
  "backing-up": "modifying",
  rebooting: "modifying",
  failed: "failed",
};

function database(world: SimWorld, db: SimDbInstance, now: number): DiscoveredResource {
  const window = restorableWindow(db, now);
  return {
    ...discoveredResource({ kind: "db_instance", cloudId: db.identifier, name: db.identifier, region: world.region }),
    availabilityZones: db.multiAz ? [db.availabilityZone, db.secondaryAvailabilityZone] : [db.availabilityZone],
    tags: { ...db.tags },
    attributes: {
      endpoint: withPort(endpointAddressOf(db)),
      storageEncrypted: db.storageEncrypted,
      ...backupReplicationAttribute(replicationsOfSource(world, db, now)),
    },
    status: DB_STATUS[db.status] ?? "degraded",
    instanceType: db.instanceClass,
    database: {
      // A replica being promoted stays a replica until the promotion completes, as RDS reports it.
      role: roleOf(world, db),
      engine: db.engine,
      engineVersion: db.engineVersion,
      sourceDbIdentifier: db.readReplicaSourceIdentifier,
      multiAz: db.multiAz,
      backupRetentionDays: db.backupRetentionDays,
      earliestRestorableTime: window ? new Date(window.earliest) : null,
      latestRestorableTime: window ? new Date(window.latest) : null,
    },
  };
}
