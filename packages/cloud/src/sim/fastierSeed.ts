import {
  ASG_NAME,
  DEFAULT_PARTNER_REGIONS,
  FASTIER_ACCOUNT_ID,
  FASTIER_PRODUCTION_RESOURCES,
  FASTIER_REGION,
  PRIMARY_DB,
  REPLICA_DB,
  type SeedResource,
} from "@fastier/core";
import { hexFromDraws, unitHash, uuidFromDraws } from "./keyedRandom.ts";
import { failureSummary, stageDuration } from "./pipelineStageEngine.ts";
import { FIRST_COPY_MS } from "./simBackupReplication.ts";
import { initialBlueGreen } from "./simBlueGreenState.ts";
import { fastierEnvironmentConfig, firstLaunchTemplate } from "./simLaunchTemplates.ts";
import { type PlainGroupSeed, seedPlainGroup } from "./simPlainGroups.ts";
import {
  SIM_STATE_SCHEMA,
  type SimDbInstance,
  type SimExecution,
  type SimInstance,
  type SimPipeline,
  type SimStaticResource,
  type SimWorld,
} from "./simState.ts";
import { DAY, HOUR, MINUTE, toIso } from "./simTime.ts";

/**
 * Fastier's account on the day the simulation starts, built from the example
 * inventory so that names and cloud ids are the same: a sync of a fresh
 * simulation matches packages/core's fastierProduction.ts.
 */
export interface FastierSeedOptions {
  now: number;
  region: string;
  /** Makes generated ids differ between simulated accounts. */
  idSalt: string;
  /** Groups besides Beanstalk's, each with a launch template of its own. */
  plainGroups?: readonly PlainGroupSeed[];
}

/** The primary has run long enough that its oldest restorable time is set by retention, not by its creation. */
const PRIMARY_AGE_MS = 10 * DAY;
const REPLICA_AGE_MS = 9 * DAY;
const GROUP_AGE_MS = 30 * DAY;
const INSTANCES_AGE_MS = 3 * DAY;

function seedResource(kind: SeedResource["kind"], cloudId?: string): SeedResource {
  const found = FASTIER_PRODUCTION_RESOURCES.find((r) => r.kind === kind && (!cloudId || r.cloudId === cloudId));
  if (!found) throw new Error(`the example inventory has no ${kind} ${cloudId ?? ""}`);
  return found;
}

export function seedFastierWorld(options: FastierSeedOptions): SimWorld {
  const { now, region } = options;
  // The example inventory is in us-east-1; elsewhere the same names live in that region's zones.
  const zone = (name: string) => name.replace(FASTIER_REGION, region);
  const zones = seedResource("auto_scaling_group", ASG_NAME).availabilityZones?.map(zone) ?? [];
  const staticFrom = (resource: SeedResource): SimStaticResource => ({
    cloudId: resource.cloudId,
    name: resource.name,
    region: resource.region ? region : null,
    availabilityZones: (resource.availabilityZones ?? []).map(zone),
    tags: { ...resource.tags },
    attributes: structuredClone(resource.attributes ?? {}),
    parentCloudId: resource.parent ?? null,
  });

  const world: SimWorld = {
    schema: SIM_STATE_SCHEMA,
    awsAccountId: FASTIER_ACCOUNT_ID,
    region,
    idSalt: options.idSalt,
    seededAt: toIso(now),
    advancedTo: toIso(now),
    sequence: 0,
    beanstalkEnvironment: staticFrom(seedResource("beanstalk_environment")),
    environmentConfig: fastierEnvironmentConfig(
      seedResource("auto_scaling_group", ASG_NAME).instanceType ?? "t3.medium",
    ),
    loadBalancer: staticFrom(seedResource("load_balancer")),
    bucket: staticFrom(seedResource("s3_bucket")),
    dnsRecord: staticFrom(seedResource("dns_record")),
    groups: [],
    databases: [],
    snapshots: [],
    pipelines: [],
    replicatedBackups: [],
    blueGreen: initialBlueGreen(staticFrom(seedResource("beanstalk_environment")), region, toIso(now)),
  };

  const group = seedResource("auto_scaling_group", ASG_NAME);
  const groupAttributes = group.attributes as { healthCheckType: string; launchTemplate: string };
  const launchedAt = now - INSTANCES_AGE_MS;
  const instances = FASTIER_PRODUCTION_RESOURCES.filter((r) => r.kind === "instance" && r.parent === ASG_NAME).map(
    (resource): SimInstance => ({
      instanceId: resource.cloudId,
      name: resource.name,
      availabilityZone: zone(resource.availabilityZones?.[0] ?? zones[0] ?? `${region}a`),
      instanceType: resource.instanceType ?? "t3.medium",
      privateIp: String(resource.attributes?.privateIp),
      lifecycleState: "InService",
      launchedAt: toIso(launchedAt),
      inServiceAt: toIso(launchedAt + 3 * MINUTE),
      terminatingAt: null,
      terminatedAt: null,
    }),
  );
  world.groups.push({
    name: ASG_NAME,
    arn: `arn:aws:autoscaling:${region}:${FASTIER_ACCOUNT_ID}:autoScalingGroup:${uuidFromDraws(unitHash, `${options.idSalt}:asg`)}:autoScalingGroupName/${ASG_NAME}`,
    minSize: group.capacity?.minSize ?? 2,
    maxSize: group.capacity?.maxSize ?? 6,
    desiredCapacity: group.capacity?.desiredCapacity ?? 2,
    availabilityZones: zones,
    instanceType: group.instanceType ?? "t3.medium",
    launchTemplate: groupAttributes.launchTemplate,
    ...firstLaunchTemplate(options.idSalt, ASG_NAME, group.instanceType ?? "t3.medium", toIso(now - GROUP_AGE_MS)),
    healthCheckType: groupAttributes.healthCheckType,
    tags: { ...group.tags },
    createdAt: toIso(now - GROUP_AGE_MS),
    parentCloudId: group.parent ?? world.beanstalkEnvironment.cloudId,
    instances,
    retiredInstances: [],
    instanceNamePrefix: "fastier-prod-web",
    nextInstanceNumber: instances.length + 1,
    // Fastier's group scales only by hand or on CPU: nothing tracks memory.
    scalingPolicies: [],
  });
  for (const plain of options.plainGroups ?? []) world.groups.push(seedPlainGroup(world, plain, now));

  world.databases.push(
    seedDatabase(world, seedResource("db_instance", PRIMARY_DB), {
      createdAt: now - PRIMARY_AGE_MS,
      zones: [zones[0] ?? `${region}a`, zones[1] ?? `${region}b`],
    }),
    seedDatabase(world, seedResource("db_instance", REPLICA_DB), {
      createdAt: now - REPLICA_AGE_MS,
      zones: [zones[1] ?? `${region}b`, zones[0] ?? `${region}a`],
    }),
  );

  const primary = world.databases.find((db) => db.identifier === PRIMARY_DB);
  const partner = DEFAULT_PARTNER_REGIONS[region];
  if (primary && partner) {
    // Fastier's production backups already replicate to the partner region, encrypted with a key there.
    const startedAt = now - REPLICA_AGE_MS;
    world.replicatedBackups.push({
      sourceIdentifier: primary.identifier,
      sourceArn: primary.arn,
      destinationRegion: partner,
      retentionDays: primary.backupRetentionDays,
      kmsKeyId: `arn:aws:kms:${partner}:${FASTIER_ACCOUNT_ID}:key/${uuidFromDraws(unitHash, `${options.idSalt}:kms`)}`,
      startedAt: toIso(startedAt),
      replicatingAt: toIso(startedAt + FIRST_COPY_MS),
    });
  }

  for (const resource of FASTIER_PRODUCTION_RESOURCES.filter((r) => r.kind === "pipeline")) {
    world.pipelines.push(seedPipeline(world, resource, now, options.idSalt));
  }
  return world;
}

/** Where Fastier's databases live: a private subnet group, the database security group, tuned parameters. */
export const FASTIER_DB_PLACEMENT: Readonly<
  Pick<SimDbInstance, "storageType" | "dbSubnetGroupName" | "vpcSecurityGroupIds" | "dbParameterGroupName">
> = {
  storageType: "gp3",
  dbSubnetGroupName: "fastier-db-subnets",
  vpcSecurityGroupIds: ["sg-0fa57db0000000001"],
  dbParameterGroupName: "fastier-postgres16",
};

function seedDatabase(
  world: SimWorld,
  resource: SeedResource,
  at: { createdAt: number; zones: [string, string] },
): SimDbInstance {
  const spec = resource.database;
  if (!spec) throw new Error(`the example inventory's ${resource.cloudId} has no database spec`);
  const endpoint = String(
    resource.attributes?.endpoint ?? `${resource.cloudId}.c9akciq32.${world.region}.rds.amazonaws.com:5432`,
  );
  return {
    identifier: resource.cloudId,
    arn: `arn:aws:rds:${world.region}:${world.awsAccountId}:db:${resource.cloudId}`,
    workload: spec.role === "replica" ? "reader" : "writer",
    status: "available",
    instanceClass: resource.instanceType ?? "db.t3.medium",
    engine: spec.engine ?? "postgres",
    engineVersion: spec.engineVersion ?? "16.4",
    multiAz: spec.multiAz,
    backupRetentionDays: spec.backupRetentionDays,
    availabilityZone: at.zones[0],
    secondaryAvailabilityZone: at.zones[1],
    readReplicaSourceIdentifier: spec.sourceDbIdentifier,
    endpointHost: endpoint.replace(/:\d+$/, ""),
    storageEncrypted: resource.attributes?.storageEncrypted === true,
    ...FASTIER_DB_PLACEMENT,
    vpcSecurityGroupIds: [...FASTIER_DB_PLACEMENT.vpcSecurityGroupIds],
    tags: { ...resource.tags },
    createdAt: toIso(at.createdAt),
    backupsSince: spec.backupRetentionDays > 0 ? toIso(at.createdAt) : null,
    promotedAt: null,
    restoredFrom: null,
    pendingChange: null,
  };
}

/** A few earlier pushes to main: two deployed, one broke the build. */
const HISTORY: { ago: number; failsAtStage: string | null }[] = [
  { ago: 3 * DAY, failsAtStage: null },
  { ago: 1 * DAY, failsAtStage: "Build" },
  { ago: 5 * HOUR, failsAtStage: null },
];

function seedPipeline(world: SimWorld, resource: SeedResource, now: number, idSalt: string): SimPipeline {
  const stages = resource.pipeline?.stages ?? ["Source", "Build", "Deploy"];
  const executions = HISTORY.map(({ ago, failsAtStage }): SimExecution => {
    world.sequence += 1;
    const key = `${idSalt}:seed-execution:${world.sequence}`;
    const execution: SimExecution = {
      executionId: uuidFromDraws(unitHash, key),
      sequence: world.sequence,
      status: failsAtStage ? "Failed" : "Succeeded",
      startedAt: toIso(now - ago),
      updatedAt: toIso(now - ago),
      sourceRevision: hexFromDraws(unitHash, `${key}:commit`, 40),
      trigger: "Webhook",
      reason: null,
      statusSummary: failsAtStage ? failureSummary(failsAtStage) : null,
      stages: [...stages],
      stageRuns: {},
      position: null,
      failsAtStage,
      stopRequest: null,
    };
    let at = now - ago;
    for (const stage of stages) {
      const finishedAt = at + stageDuration(stage);
      const failed = stage === failsAtStage;
      execution.stageRuns[stage] = {
        status: failed ? "Failed" : "Succeeded",
        startedAt: toIso(at),
        finishedAt: toIso(finishedAt),
      };
      execution.updatedAt = toIso(finishedAt);
      at = finishedAt;
      if (failed) break;
    }
    return execution;
  });
  return {
    name: resource.cloudId,
    arn: `arn:aws:codepipeline:${world.region}:${world.awsAccountId}:${resource.cloudId}`,
    stages: [...stages],
    tags: { ...resource.tags },
    attributes: structuredClone(resource.attributes ?? {}),
    executions,
    requestTokens: {},
  };
}
