import type { BackupReplicationPort } from "./backupReplicationPort.ts";
import type {
  BeanstalkEnvironmentSummary,
  CloneEnvironmentRequest,
  ConfigurationTemplateRequest,
  DeployedVersion,
} from "./blueGreenTypes.ts";
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
import type {
  BeanstalkEnvironmentState,
  BeanstalkEvent,
  GroupLaunchTemplate,
  InstanceRefreshRequest,
  InstanceRefreshState,
  LaunchTemplateVersion,
  LaunchTemplateVersionRequest,
} from "./instanceTypeTypes.ts";
import type { DeployTargetBalancer, TargetHealth } from "./loadBalancerTypes.ts";

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
  /** The launch template the group launches from; null for a launch configuration or a mixed-instances group. */
  describeLaunchTemplate(groupName: string): Promise<GroupLaunchTemplate | null>;
  /** Versions of a launch template, newest first (EC2 DescribeLaunchTemplateVersions). */
  listLaunchTemplateVersions(launchTemplateId: string): Promise<LaunchTemplateVersion[]>;
  createLaunchTemplateVersion(request: LaunchTemplateVersionRequest): Promise<LaunchTemplateVersion>;
  /** Refused (invalid_state) while another refresh is in progress. */
  startInstanceRefresh(groupName: string, request: InstanceRefreshRequest): Promise<{ refreshId: string }>;
  /** Newest first. */
  describeInstanceRefreshes(groupName: string): Promise<InstanceRefreshState[]>;
}

/** The Elastic Beanstalk environments that own Auto Scaling groups. */
export interface BeanstalkPort {
  describeEnvironment(environmentId: string): Promise<BeanstalkEnvironmentState>;
  /** UpdateEnvironment with `aws:ec2:instances` / `InstanceTypes`; refused (invalid_state) unless the environment is Ready. */
  updateInstanceTypes(environmentId: string, instanceTypes: string[]): Promise<void>;
  /** The environment's events since `since`, oldest first. */
  describeEvents(environmentId: string, since: Date): Promise<BeanstalkEvent[]>;
  /** The environment of that name unless it is Terminated; null when there is none. */
  findEnvironmentByName(environmentName: string): Promise<BeanstalkEnvironmentSummary | null>;
  configurationTemplateExists(applicationName: string, templateName: string): Promise<boolean>;
  createConfigurationTemplate(request: ConfigurationTemplateRequest): Promise<void>;
  /** Refused (conflict) when an environment of that name or a CNAME with that prefix exists. */
  createEnvironment(request: CloneEnvironmentRequest): Promise<BeanstalkEnvironmentSummary>;
  /** SwapEnvironmentCNAMEs; refused (invalid_state) unless both are Ready. */
  swapEnvironmentCnames(sourceEnvironmentId: string, destinationEnvironmentId: string): Promise<void>;
  terminateEnvironment(environmentId: string): Promise<void>;
  /** UpdateEnvironment with `VersionLabel`; refused (invalid_state) unless the environment is Ready. */
  updateEnvironmentVersion(environmentId: string, versionLabel: string): Promise<void>;
  /** The application versions the environment has run, newest first, one entry per change. */
  describeVersionHistory(environmentId: string): Promise<DeployedVersion[]>;
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

/** Read-only: what the health gate of a deployment watches besides CloudWatch. */
export interface LoadBalancerPort {
  /** The load balancer behind the environment a pipeline deploys to; null when the cloud shows none. */
  findForPipeline(pipelineName: string): Promise<DeployTargetBalancer | null>;
  /** The load balancer Elastic Beanstalk runs for an environment; null when the cloud shows none. */
  findForEnvironment(environmentName: string): Promise<DeployTargetBalancer | null>;
  /** Each registered target's health (ELBv2 DescribeTargetHealth); not_found for an unknown group. */
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealth[]>;
  /** Elastic Beanstalk's health colour of an environment (Green, Yellow, Red, Grey); null when it has none. */
  environmentHealth(environmentName: string): Promise<string | null>;
}

export interface DiscoveryPort {
  /** Every resource of every kind the inventory knows, in this account and region. */
  discover(): Promise<DiscoveryResult>;
}

export interface CloudPort {
  readonly provider: "aws" | "sim";
  readonly region: string;
  readonly autoScaling: AutoScalingPort;
  readonly beanstalk: BeanstalkPort;
  readonly databases: DatabasePort;
  readonly pipelines: PipelinePort;
  readonly metrics: MetricsPort;
  readonly loadBalancers: LoadBalancerPort;
  readonly discovery: DiscoveryPort;
  /** Acts in a region other than `region`: the destination of replicated automated backups. */
  readonly backupReplication: BackupReplicationPort;
}
