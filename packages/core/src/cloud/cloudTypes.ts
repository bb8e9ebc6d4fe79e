/** Provider-neutral shapes of what the control plane reads from and asks of a cloud. */

export type InstanceLifecycle = "Pending" | "InService" | "Terminating" | "Terminated" | "Standby" | "Unhealthy";

export interface GroupInstance {
  instanceId: string;
  availabilityZone: string;
  lifecycleState: InstanceLifecycle;
  healthStatus: "Healthy" | "Unhealthy";
  instanceType: string | null;
}

export interface AutoScalingGroupState {
  name: string;
  arn: string | null;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  instanceType: string | null;
  launchTemplate: string | null;
  /** The Elastic Beanstalk environment that owns the group (its `elasticbeanstalk:environment-id` tag); null for a plain group. */
  beanstalkEnvironmentId: string | null;
  instances: GroupInstance[];
  tags: Record<string, string>;
  createdAt: Date | null;
}

/**
 * A target-tracking scaling policy on the group's average CloudWatch agent
 * `mem_used_percent` (dimension `AutoScalingGroupName`).
 */
export interface MemoryScalingPolicy {
  policyName: string;
  targetPercent: number;
}

export interface CapacityLimits {
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
}

export type DbInstanceStatus =
  | "available"
  | "creating"
  | "modifying"
  | "backing-up"
  | "rebooting"
  | "deleting"
  | "failed"
  | "storage-full"
  | (string & {});

export interface DbInstanceState {
  identifier: string;
  arn: string | null;
  status: DbInstanceStatus;
  instanceClass: string;
  engine: string;
  engineVersion: string | null;
  multiAz: boolean;
  backupRetentionDays: number;
  availabilityZone: string | null;
  /** Set on a read replica: the identifier of its source. */
  readReplicaSourceIdentifier: string | null;
  /** Set on a source: the identifiers of its replicas. */
  readReplicaIdentifiers: string[];
  earliestRestorableTime: Date | null;
  latestRestorableTime: Date | null;
  endpoint: string | null;
  storageEncrypted: boolean;
  /** gp2, gp3, io1, io2 or standard; null when the cloud did not say. */
  storageType: string | null;
  /** Null outside a VPC (or when the cloud did not say). */
  dbSubnetGroupName: string | null;
  /** The VPC security groups it is in (not those being removed). */
  vpcSecurityGroupIds: string[];
  /** An instance has one DB parameter group; null when the cloud did not say. */
  dbParameterGroupName: string | null;
  tags: Record<string, string>;
  createdAt: Date | null;
  /**
   * Changes asked for that RDS has not applied yet (held for the maintenance window, or
   * about to start); absent or empty when none. Only the settings the control plane changes.
   */
  pendingModifiedValues?: PendingDbModification;
}

export interface PendingDbModification {
  multiAz?: boolean;
  backupRetentionDays?: number;
  instanceClass?: string;
}

export const RDS_STORAGE_TYPES = ["gp2", "gp3", "io1", "io2", "standard"] as const;
export type RdsStorageType = (typeof RDS_STORAGE_TYPES)[number];

/** The settings a restored instance takes, each optional. */
export interface DbInstanceSettings {
  instanceClass?: string;
  multiAz?: boolean;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbParameterGroupName?: string;
  storageType?: RdsStorageType;
}

/** Each setting left out is the cloud's default for a restore (RDS: Single-AZ, default groups). */
export interface RestoreToPointInTimeRequest extends DbInstanceSettings {
  sourceIdentifier: string;
  targetIdentifier: string;
  /** Exactly one of `restoreTime` and `useLatestRestorableTime`. */
  restoreTime?: Date;
  useLatestRestorableTime?: boolean;
  /** Tags the new instance carries from its creation (a drill marks its scratch instance). */
  tags?: Record<string, string>;
}

/** What ModifyDBInstance changes; only what is given. */
export interface DbInstanceModification {
  instanceClass?: string;
  multiAz?: boolean;
  vpcSecurityGroupIds?: string[];
  dbParameterGroupName?: string;
  /** 0–35; going between 0 and non-zero restarts the instance (an outage). RDS refuses 0 on a source of read replicas. */
  backupRetentionDays?: number;
}

/** How ModifyDBInstance applies a modification. */
export interface DbModifyOptions {
  /**
   * Default true. When false, RDS holds class, Multi-AZ and a retention change between 0 and
   * non-zero for the maintenance window (they show as pending modified values); a retention change
   * between two non-zero values applies at once either way.
   */
  applyImmediately?: boolean;
}

export interface DbSnapshot {
  identifier: string;
  dbInstanceIdentifier: string;
  status: "creating" | "available" | (string & {});
  type: "manual" | "automated" | (string & {});
  createdAt: Date | null;
  percentProgress: number | null;
}

export type PipelineExecutionStatus =
  | "Cancelled"
  | "InProgress"
  | "Stopped"
  | "Stopping"
  | "Succeeded"
  | "Superseded"
  | "Failed";

export interface PipelineExecutionSummary {
  executionId: string;
  status: PipelineExecutionStatus;
  startedAt: Date | null;
  updatedAt: Date | null;
  sourceRevision: string | null;
  trigger: string | null;
}

export interface PipelineExecution extends PipelineExecutionSummary {
  pipelineName: string;
  statusSummary: string | null;
}

export interface StartExecutionRequest {
  /** Makes a retried start idempotent (AWS `clientRequestToken`). */
  clientRequestToken: string;
  sourceRevision?: string;
  reason?: string;
}

export type StageStatus = "InProgress" | "Failed" | "Stopped" | "Stopping" | "Succeeded" | "Cancelled" | (string & {});

export interface PipelineStageState {
  name: string;
  status: StageStatus | null;
  executionId: string | null;
}

export interface PipelineState {
  pipelineName: string;
  stages: PipelineStageState[];
}

export interface PipelineDescription {
  name: string;
  arn: string | null;
  stages: string[];
}

export type MetricStatistic = "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount";

export interface MetricQuery {
  /** Unique within one call; results come back under it. Lower-case letter first, then letters, digits, _. */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Seconds, a multiple of 60. */
  period: number;
  stat: MetricStatistic;
}

/** A datapoint: the statistic over one period, stamped with the period's start. */
export interface MetricPoint {
  /** Series of one answer may share these: read them, never change them. */
  timestamp: Date;
  value: number;
}

export interface MetricSeries {
  id: string;
  /** Oldest first. */
  points: MetricPoint[];
  /** False when the provider reported missing data or an error for this query. */
  complete: boolean;
  message?: string;
}

export interface MetricDataRequest {
  queries: MetricQuery[];
  start: Date;
  end: Date;
}

export interface MetricDataResult {
  series: MetricSeries[];
  /** How many provider calls it took (GetMetricData pages), for sweep statistics. */
  calls: number;
}

/** A resource found in the cloud, in the inventory's own terms. */
export interface DiscoveredResource {
  kind:
    | "auto_scaling_group"
    | "instance"
    | "load_balancer"
    | "db_instance"
    | "pipeline"
    | "s3_bucket"
    | "dns_record"
    | "beanstalk_environment";
  cloudId: string;
  name: string;
  region: string | null;
  availabilityZones: string[];
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
  status: "pending" | "active" | "modifying" | "degraded" | "failed";
  instanceType: string | null;
  capacity: { minSize: number; maxSize: number; desiredCapacity: number } | null;
  /** The parent's `cloudId` (an instance's group, a group's Beanstalk environment). */
  parentCloudId: string | null;
  database: {
    role: "primary" | "replica" | "standalone";
    engine: string | null;
    engineVersion: string | null;
    sourceDbIdentifier: string | null;
    multiAz: boolean;
    backupRetentionDays: number;
    earliestRestorableTime: Date | null;
    latestRestorableTime: Date | null;
  } | null;
  pipeline: { stages: string[] } | null;
}

export interface DiscoveryResult {
  resources: DiscoveredResource[];
  /** Kinds that could not be listed (the rest are still complete). */
  failures: { kind: DiscoveredResource["kind"]; error: string }[];
}
