/**
 * What changing a group's instance type reads from and asks of a cloud: the Elastic Beanstalk
 * environment that owns a group, or a plain group's launch template and its instance refreshes.
 */

/** Elastic Beanstalk's environment statuses; only `Ready` takes a configuration change. */
export type BeanstalkStatus =
  | "Launching"
  | "Updating"
  | "Ready"
  | "Terminating"
  | "Terminated"
  | "Aborting"
  | (string & {});

export interface BeanstalkEnvironmentState {
  environmentId: string;
  environmentName: string;
  status: BeanstalkStatus;
  /** Green, Yellow, Red or Grey. */
  health: string | null;
  /** `aws:ec2:instances` / `InstanceTypes`: the first is the one Beanstalk launches. */
  instanceTypes: string[];
  /**
   * `aws:autoscaling:updatepolicy:rollingupdate`: how a configuration change replaces instances.
   * `maxBatchSize` null means Beanstalk's default; `enabled` false replaces all at once.
   */
  rollingUpdate: { enabled: boolean; maxBatchSize: number | null; minInstancesInService: number | null };
}

export interface BeanstalkEvent {
  at: Date;
  severity: string;
  message: string;
}

/** The launch template a plain group launches from, resolved to one version. */
export interface GroupLaunchTemplate {
  launchTemplateId: string;
  launchTemplateName: string;
  /** What the group names: a number, `$Latest` or `$Default`. */
  version: string;
  /** The version number that resolves to, and the instance type it launches. */
  versionNumber: number;
  instanceType: string | null;
}

/** A copy of a launch template version with another instance type. */
export interface LaunchTemplateVersionRequest {
  launchTemplateId: string;
  sourceVersion: number;
  instanceType: string;
  /** Marks the version as this operation's, so a step repeated after a crash finds it instead of making another. */
  versionDescription: string;
}

export interface LaunchTemplateVersion {
  versionNumber: number;
  instanceType: string | null;
  versionDescription: string | null;
}

/**
 * StartInstanceRefresh with a desired configuration: the group moves to this version when the
 * refresh succeeds, and back to the one before when it fails and `autoRollback` is set.
 */
export interface InstanceRefreshRequest {
  launchTemplateId: string;
  version: number;
  /** 100 keeps every instance in service while replacing. */
  minHealthyPercentage: number;
  /** Above 100 launches replacements before terminating (up to 200). */
  maxHealthyPercentage: number;
  autoRollback: boolean;
}

export type InstanceRefreshStatus =
  | "Pending"
  | "InProgress"
  | "Successful"
  | "Failed"
  | "Cancelling"
  | "Cancelled"
  | "RollbackInProgress"
  | "RollbackFailed"
  | "RollbackSuccessful"
  | "Baking"
  | (string & {});

export interface InstanceRefreshState {
  refreshId: string;
  status: InstanceRefreshStatus;
  statusReason: string | null;
  percentageComplete: number | null;
  instancesToUpdate: number | null;
  /** The desired configuration's launch template version; null when the refresh had none. */
  desiredVersion: number | null;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** Statuses in which a refresh is still changing the group. */
export const REFRESH_ACTIVE_STATUSES: readonly InstanceRefreshStatus[] = [
  "Pending",
  "InProgress",
  "Cancelling",
  "RollbackInProgress",
  "Baking",
];

/**
 * Instances replaced at once when launching before terminating: the room between the minimum
 * and the maximum healthy percentage of the desired capacity, at least one. Shared by the
 * operation's plan and the simulator, so both count batches alike.
 */
export function replacementBatchSize(desired: number, minHealthyPercentage: number, maxHealthyPercentage: number) {
  if (desired <= 0) return 0;
  const room = Math.floor((desired * (maxHealthyPercentage - minHealthyPercentage)) / 100);
  return Math.min(desired, Math.max(1, room));
}

/** Batch sizes, in order, that replace `count` instances `batchSize` at a time. */
export function replacementBatches(count: number, batchSize: number): number[] {
  const batches: number[] = [];
  for (let left = count; left > 0; left -= batchSize) batches.push(Math.min(batchSize, left));
  return batches;
}
