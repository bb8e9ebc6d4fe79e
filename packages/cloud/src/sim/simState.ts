import type { DbInstanceModification, PipelineExecutionStatus, RdsStorageType, StageStatus } from "@fastier/core";
import type { DrawSource } from "./keyedRandom.ts";
import type { DbWorkload } from "./loadModel.ts";
import type { SimBlueGreen } from "./simBlueGreenState.ts";
import type {
  SimEnvironmentConfig,
  SimInstanceRefresh,
  SimLaunchTemplateVersion,
  SimReplacement,
} from "./simReplacementState.ts";
import type { IsoTime } from "./simTime.ts";

/**
 * The whole simulated account as one JSON document (a row of `sim_accounts`).
 * Only plain data: times are ISO strings, so the document round-trips through
 * jsonb unchanged. Changes over time are stored as "what happens when"
 * (a `completesAt`, an `inServiceAt`), applied lazily by worldTransitions.ts.
 */
export const SIM_STATE_SCHEMA = 7;

export interface SimWorld {
  schema: typeof SIM_STATE_SCHEMA;
  awsAccountId: string;
  region: string;
  /** Mixed into generated ids so two simulated accounts do not share instance ids. */
  idSalt: string;
  seededAt: IsoTime;
  /** The simulated time the world has been brought up to; it never moves backwards. */
  advancedTo: IsoTime;
  /** Counts generated ids, so each new id is unique and reproducible. */
  sequence: number;
  beanstalkEnvironment: SimStaticResource;
  /** What the Beanstalk environment runs and whether it is updating. */
  environmentConfig: SimEnvironmentConfig;
  loadBalancer: SimStaticResource;
  bucket: SimStaticResource;
  dnsRecord: SimStaticResource;
  groups: SimAutoScalingGroup[];
  databases: SimDbInstance[];
  snapshots: SimDbSnapshot[];
  pipelines: SimPipeline[];
  /** Automated backups replicated to other regions (simBackupReplication.ts). */
  replicatedBackups: SimReplicatedBackup[];
  /** Configuration templates, cloned environments, CNAMEs and terminations of blue/green deploys. */
  blueGreen: SimBlueGreen;
}

/** One source instance's automated backups replicated into another region. */
export interface SimReplicatedBackup {
  sourceIdentifier: string;
  sourceArn: string;
  destinationRegion: string;
  retentionDays: number;
  kmsKeyId: string | null;
  /** When replication was asked for: no restore in the destination can go earlier. */
  startedAt: IsoTime;
  /** When the first backup has arrived and the destination reports it replicating. */
  replicatingAt: IsoTime;
}

/** A resource the simulator only lists: nothing the control plane does changes it. */
export interface SimStaticResource {
  cloudId: string;
  name: string;
  region: string | null;
  availabilityZones: string[];
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
  parentCloudId: string | null;
}

export type SimInstanceLifecycle = "Pending" | "InService" | "Terminating" | "Terminated";

export interface SimInstance {
  instanceId: string;
  /** The `Name` tag. */
  name: string;
  availabilityZone: string;
  instanceType: string;
  privateIp: string;
  lifecycleState: SimInstanceLifecycle;
  launchedAt: IsoTime;
  /** When it passes its health checks and starts taking traffic (known at launch). */
  inServiceAt: IsoTime;
  /** When scale-in picked it: it leaves the load balancer then. */
  terminatingAt: IsoTime | null;
  terminatedAt: IsoTime | null;
}

export interface SimAutoScalingGroup {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  instanceType: string;
  launchTemplate: string;
  launchTemplateId: string;
  /** The version the group launches; Beanstalk's groups too, though only Beanstalk may change it. */
  launchTemplateVersion: number;
  launchTemplateVersions: SimLaunchTemplateVersion[];
  instanceRefreshes: SimInstanceRefresh[];
  /** A refresh or an environment update replacing instances; null when none is. */
  replacement: SimReplacement | null;
  healthCheckType: string;
  tags: Record<string, string>;
  createdAt: IsoTime;
  /** The Elastic Beanstalk environment that owns the group; null for a plain group. */
  parentCloudId: string | null;
  /** Instances not yet terminated. */
  instances: SimInstance[];
  /**
   * Terminated instances, kept for a while: metrics of the past must divide the
   * load over the instances that were in service then, not over today's.
   */
  retiredInstances: SimInstance[];
  /** New instances are named `<prefix>-<n>` (their `Name` tag). */
  instanceNamePrefix: string;
  nextInstanceNumber: number;
  /** Target-tracking policies put on the group (PutScalingPolicy); a name is unique within the group. */
  scalingPolicies: SimScalingPolicy[];
}

/** A target-tracking policy on one CloudWatch metric of the group; simTargetTracking.ts acts on memory ones. */
export interface SimScalingPolicy {
  policyName: string;
  namespace: string;
  metricName: string;
  targetValue: number;
  /**
   * When the policy last scaled the group out / in, for its cooldowns. Absent until it first
   * does (and in worlds stored before target tracking acted), which means never.
   */
  lastScaleOutAt?: IsoTime;
  lastScaleInAt?: IsoTime;
}

export type SimDbChange =
  | { kind: "create"; completesAt: IsoTime }
  | { kind: "promote"; completesAt: IsoTime }
  | { kind: "multi-az"; multiAz: boolean; completesAt: IsoTime }
  | { kind: "modify"; modification: DbInstanceModification; completesAt: IsoTime }
  // Added without a format change: worlds stored before never hold one, and read as they are.
  | { kind: "delete"; completesAt: IsoTime };

export interface SimDbInstance {
  identifier: string;
  arn: string;
  /** What the app asks of it, which drives its metrics; its replication role is derived, as RDS reports it. */
  workload: DbWorkload;
  status: string;
  instanceClass: string;
  engine: string;
  engineVersion: string;
  multiAz: boolean;
  backupRetentionDays: number;
  availabilityZone: string;
  /** The standby's zone while Multi-AZ. */
  secondaryAvailabilityZone: string;
  readReplicaSourceIdentifier: string | null;
  endpointHost: string;
  storageEncrypted: boolean;
  storageType: RdsStorageType;
  dbSubnetGroupName: string;
  vpcSecurityGroupIds: string[];
  dbParameterGroupName: string;
  tags: Record<string, string>;
  createdAt: IsoTime;
  /** Since when automated backups exist: no restore can go earlier. Null without backups. */
  backupsSince: IsoTime | null;
  /** When a promotion completed (it was a reader before). */
  promotedAt: IsoTime | null;
  restoredFrom: { sourceIdentifier: string; restoreTime: IsoTime } | null;
  /** The change in progress, if any; the status says what kind. */
  pendingChange: SimDbChange | null;
  /**
   * Settings asked for without ApplyImmediately, held for the maintenance window (which the
   * simulation does not reach). Absent in worlds stored before it existed, which means none.
   */
  heldModification?: DbInstanceModification;
}

export interface SimDbSnapshot {
  identifier: string;
  dbInstanceIdentifier: string;
  status: "creating" | "available";
  startedAt: IsoTime;
  completesAt: IsoTime;
  percentProgress: number;
}

export interface SimStageRun {
  status: StageStatus;
  startedAt: IsoTime;
  finishedAt: IsoTime | null;
}

export interface SimExecution {
  executionId: string;
  /** Start order, to break ties between executions started at the same instant. */
  sequence: number;
  status: PipelineExecutionStatus;
  startedAt: IsoTime;
  updatedAt: IsoTime;
  sourceRevision: string;
  trigger: string;
  reason: string | null;
  statusSummary: string | null;
  /** The stages this execution runs, in order: all of them, or one for a rollback. */
  stages: string[];
  /** This execution's run of each stage it entered. */
  stageRuns: Record<string, SimStageRun>;
  /** Where it is: running a stage or waiting for one to free up. Null once finished. */
  position: { stageIndex: number; phase: "waiting" | "running"; since: IsoTime } | null;
  /** Decided at start from the failure rate, so the outcome is fixed and shared. */
  failsAtStage: string | null;
  stopRequest: { abandon: boolean; reason: string | null } | null;
}

export interface SimPipeline {
  name: string;
  arn: string;
  stages: string[];
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
  /** Oldest first. */
  executions: SimExecution[];
  /** clientRequestToken → executionId, for idempotent starts. */
  requestTokens: Record<string, string>;
}

/** What an operation needs besides the world: the time and the sources of chance. */
export interface SimContext {
  now: number;
  draw: DrawSource;
  pipelineFailureRate: number;
}

/** A change's new world and what the caller gets back. */
export interface SimChange<T> {
  world: SimWorld;
  result: T;
}
