import type {
  AutoScalingGroupState,
  CapacityLimits,
  DbInstanceModification,
  DbInstanceState,
  DbModifyOptions,
  DbSnapshot,
  DiscoveryResult,
  MemoryScalingPolicy,
  MetricDataRequest,
  MetricDataResult,
  PipelineDescription,
  PipelineExecution,
  PipelineExecutionSummary,
  PipelineState,
  RestoreToPointInTimeRequest,
  StartExecutionRequest,
} from "./cloudTypes.ts";

/**
 * Everything the control plane needs from a cloud. Implemented by the AWS
 * adapter and by the simulated Fastier account. Methods throw `CloudError`.
 * Mutations start work and return; callers observe progress by describing.
 */
export interface AutoScalingPort {
  /** All groups when `names` is omitted. */
  describeGroups(names?: string[]): Promise<AutoScalingGroupState[]>;
  setDesiredCapacity(groupName: string, desiredCapacity: number): Promise<void>;
  updateLimits(groupName: string, limits: CapacityLimits): Promise<void>;
  /** The group's target-tracking policy on memory, as discovery recognises one; null when it has none. */
  describeMemoryTargetTracking(groupName: string): Promise<MemoryScalingPolicy | null>;
  /** Creates the policy, or replaces the group's policy of that name (like PutScalingPolicy). */
  putMemoryTargetTracking(groupName: string, policy: MemoryScalingPolicy): Promise<void>;
}

export interface DatabasePort {
  /** All instances when `identifiers` is omitted; unknown identifiers are a not_found error. */
  describeInstances(identifiers?: string[]): Promise<DbInstanceState[]>;
  /** Refused (invalid_state) for an instance that is not a read replica. */
  promoteReadReplica(identifier: string): Promise<DbInstanceState>;
  restoreToPointInTime(request: RestoreToPointInTimeRequest): Promise<DbInstanceState>;
  createSnapshot(instanceIdentifier: string, snapshotIdentifier: string): Promise<DbSnapshot>;
  describeSnapshots(filter: { instanceIdentifier?: string; snapshotIdentifier?: string }): Promise<DbSnapshot[]>;
  setMultiAz(identifier: string, multiAz: boolean): Promise<DbInstanceState>;
  /**
   * Applies the given settings, at once unless `applyImmediately` is false; refused (invalid_state)
   * while the instance is not available.
   */
  modifyInstance(
    identifier: string,
    modification: DbInstanceModification,
    options?: DbModifyOptions,
  ): Promise<DbInstanceState>;
  /**
   * DeleteDBInstance without a final snapshot and without keeping automated backups: for scratch
   * instances only. The instance is `deleting` for a while, then gone (describe answers not_found).
   */
  deleteInstanceWithoutSnapshot(identifier: string): Promise<DbInstanceState>;
}

export interface PipelinePort {
  describePipeline(name: string): Promise<PipelineDescription>;
  /** Newest first. */
  listExecutions(pipelineName: string, limit?: number): Promise<PipelineExecutionSummary[]>;
  startExecution(pipelineName: string, request: StartExecutionRequest): Promise<{ executionId: string }>;
  getExecution(pipelineName: string, executionId: string): Promise<PipelineExecution>;
  /** `abandon` stops at once; otherwise in-progress actions finish first. */
  stopExecution(
    pipelineName: string,
    executionId: string,
    options: { abandon: boolean; reason?: string },
  ): Promise<void>;
  getState(pipelineName: string): Promise<PipelineState>;
  /** Re-runs `stageName` with the artifacts of an earlier successful execution. */
  rollbackStage(pipelineName: string, stageName: string, targetExecutionId: string): Promise<{ executionId: string }>;
}

export interface MetricsPort {
  /** Batched like CloudWatch GetMetricData; the adapter splits large requests. */
  getMetricData(request: MetricDataRequest): Promise<MetricDataResult>;
}

export interface DiscoveryPort {
  /** Every resource of every kind the inventory knows, in this account and region. */
  discover(): Promise<DiscoveryResult>;
}

export interface CloudPort {
  readonly provider: "aws" | "sim";
  readonly region: string;
  readonly autoScaling: AutoScalingPort;
  readonly databases: DatabasePort;
  readonly pipelines: PipelinePort;
  readonly metrics: MetricsPort;
  readonly discovery: DiscoveryPort;
}
