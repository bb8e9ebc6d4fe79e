import { Duration } from "aws-cdk-lib";

/** A scheduled worker handler in the worker bundle (`dist/lambda/worker/index.mjs`). */
export interface WorkerJob {
  /** The bundle's export, as Lambda's `file.export` handler string. */
  handler: string;
  /** How often EventBridge invokes it. */
  every: Duration;
  /**
   * The function's timeout. A handler works until its own deadline, taken from the time Lambda
   * says is left (`context.getRemainingTimeInMillis()`) minus a safety margin, so each timeout is
   * what one run may use, and no longer than the interval (plus a little for the reconciler,
   * whose runs may overlap: operations are claimed with FOR UPDATE SKIP LOCKED).
   */
  timeout: Duration;
  memoryMiB: number;
  description: string;
}

export const WORKER_JOBS = {
  reconcile: {
    handler: "index.reconcile",
    every: Duration.minutes(1),
    timeout: Duration.seconds(60),
    memoryMiB: 1024,
    description: "Fastier control plane: advance due operation steps (start, wait, verify) until the deadline",
  },
  sweep: {
    handler: "index.sweep",
    every: Duration.minutes(5),
    timeout: Duration.minutes(4),
    memoryMiB: 1024,
    description: "Fastier control plane: health sweep (CloudWatch metrics, findings, recommendations)",
  },
  sync: {
    handler: "index.sync",
    every: Duration.hours(1),
    timeout: Duration.minutes(10),
    memoryMiB: 1024,
    description: "Fastier control plane: sync every environment's inventory from AWS",
  },
} as const satisfies Record<string, WorkerJob>;

export type WorkerJobName = keyof typeof WORKER_JOBS;

/** Applying migrations runs from the deploy (a custom resource), not on a schedule. */
export const MIGRATE_HANDLER = "index.migrate";
export const MIGRATE_TIMEOUT = Duration.minutes(5);

/** The API sits behind API Gateway, which gives up on an integration after 30 s. */
export const API_HANDLER = "index.handler";
export const API_TIMEOUT = Duration.seconds(29);
