import type { IsoTime } from "./simTime.ts";

/**
 * The world-state shapes of instance-type changes: a plain group's launch template versions and
 * instance refreshes, the Beanstalk environment's configuration and updates, and the batch-by-batch
 * replacement both of them drive (simInstanceReplacement.ts).
 */

export interface SimLaunchTemplateVersion {
  versionNumber: number;
  instanceType: string;
  description: string | null;
  createdAt: IsoTime;
}

export interface SimInstanceRefresh {
  refreshId: string;
  status: "Pending" | "InProgress" | "Successful" | "Failed" | "RollbackInProgress" | "RollbackSuccessful";
  statusReason: string | null;
  desiredVersion: number;
  /** The version the group used before, which a rollback returns to. */
  previousVersion: number;
  minHealthyPercentage: number;
  maxHealthyPercentage: number;
  autoRollback: boolean;
  instancesToUpdate: number;
  startedAt: IsoTime;
  endedAt: IsoTime | null;
}

/** Replacing a group's instances with another type, one batch at a time, launching before terminating. */
export interface SimReplacement {
  /** What drives it: a refresh of the group, or its Beanstalk environment's update. */
  owner: { kind: "refresh"; refreshId: string } | { kind: "environment" };
  instanceType: string;
  /** The type to go back to when it fails. */
  previousType: string;
  batchSize: number;
  /** New instances fail their health checks (the group's failure tag): the first batch never comes in service. */
  failing: boolean;
  /** The instances of the batch being launched. */
  batch: string[];
  batchNumber: number;
  batchCount: number;
  total: number;
  replaced: number;
  /** When the batch was launched: a failing batch is given up a health-check grace period later. */
  batchStartedAt: IsoTime;
}

export interface SimBeanstalkEvent {
  at: IsoTime;
  severity: "INFO" | "WARN" | "ERROR";
  message: string;
}

/** The Beanstalk environment's configuration and what it is doing. */
export interface SimEnvironmentConfig {
  status: "Ready" | "Updating";
  /** `aws:ec2:instances` `InstanceTypes`; the first is launched. */
  instanceTypes: string[];
  rollingUpdate: { enabled: boolean; maxBatchSize: number; minInstancesInService: number };
  /** Newest last; the oldest are dropped past a hundred. */
  events: SimBeanstalkEvent[];
}
