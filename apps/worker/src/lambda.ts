// AWS Lambda entry points of the worker, each run by an EventBridge schedule (or invoked once):
// reconcile, sweep and sync do one scheduled job each; migrate applies the migrations.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@fastier/config";
import type { SweepStatus, SyncStatus } from "@fastier/core";
import { DEFAULT_MIGRATIONS_DIR, runMigrations } from "@fastier/db";
import { createLogger, lazily, openLambdaRuntime, resolveDatabaseUrl, sweepSettingsOf } from "@fastier/runtime";
import { createScheduledJobs } from "./scheduledJobs.ts";

/** The parts of the Lambda context used here. */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/** An EventBridge scheduled event (only its id is read, for the logs). */
export interface ScheduledEvent {
  id?: string;
  "detail-type"?: string;
  time?: string;
}

/** The reconciler stops taking work this long before the function's timeout. */
export const RECONCILE_SAFETY_MARGIN_MS = 10_000;

/**
 * Where the migrations are: copied next to the bundle by scripts/buildLambda.ts
 * (dist/lambda/worker/migrations), or prisma/migrations when run from source.
 */
export function migrationsDirectory(): string {
  const besideBundle = fileURLToPath(new URL("./migrations", import.meta.url));
  return existsSync(besideBundle) ? besideBundle : DEFAULT_MIGRATIONS_DIR;
}

// Container-wide, made on first use and reused by every later invocation.
const settings = lazily(async () => {
  const config = loadConfig();
  return { config, log: createLogger(config.logLevel).child({ component: "worker-lambda" }) };
});
const databaseUrl = lazily(async () => resolveDatabaseUrl((await settings()).config));
const jobs = lazily(async () => {
  const { config, log } = await settings();
  const runtime = await openLambdaRuntime(config, log, { databaseUrl: await databaseUrl() });
  return {
    log,
    ...createScheduledJobs({
      database: runtime.database,
      cloud: runtime.cloud.port,
      now: runtime.cloud.now,
      log,
      workerId: `lambda:${config.lambda?.functionName ?? "local"}:${randomUUID().slice(0, 8)}`,
      sweepSettings: sweepSettingsOf(config.health),
      webhooks: { dashboardBaseUrl: config.webhooks.dashboardBaseUrl },
    }),
  };
});

export interface ReconcileSummary {
  /** Operation steps taken. */
  advanced: number;
  /** "idle": nothing was due any more; "deadline": stopped to stay clear of the timeout. */
  stoppedBy: "idle" | "deadline";
  durationMs: number;
}

/**
 * Advances due operations until none is due or the safety margin before the timeout is reached,
 * then sends due webhook deliveries with the time left (the schedule's minute is their retry tick).
 */
export async function reconcile(event: ScheduledEvent, context: LambdaContext): Promise<ReconcileSummary> {
  const started = Date.now();
  const deadline = started + context.getRemainingTimeInMillis() - RECONCILE_SAFETY_MARGIN_MS;
  const { reconciler, log, deliverOnce } = await jobs();
  const advanced = await reconciler.runUntil(deadline);
  if (Date.now() < deadline) await deliverOnce(log);
  const summary: ReconcileSummary = {
    advanced,
    stoppedBy: Date.now() >= deadline ? "deadline" : "idle",
    durationMs: Date.now() - started,
  };
  log.info({ eventId: event.id, requestId: context.awsRequestId, ...summary }, "reconcile finished");
  return summary;
}

export type SweepSummary =
  | { skipped: true }
  | {
      skipped: false;
      id: string;
      status: SweepStatus;
      resources: number;
      metricQueries: number;
      cloudCalls: number;
      findingsOpened: number;
      findingsResolved: number;
      errors: number;
      error: string | null;
    };

/** One health sweep under the sweep lock; skipped when another process is sweeping. */
export async function sweep(event: ScheduledEvent, context: LambdaContext): Promise<SweepSummary> {
  const { sweepOnce, log } = await jobs();
  const invocation = { eventId: event.id, requestId: context.awsRequestId };
  const run = await sweepOnce(log.child(invocation));
  if (!run) {
    log.info(invocation, "sweep skipped: another process is sweeping");
    return { skipped: true };
  }
  const { id, status, resources, metricQueries, cloudCalls, findingsOpened, findingsResolved, error } = run;
  return {
    skipped: false,
    id,
    status,
    resources,
    metricQueries,
    cloudCalls,
    findingsOpened,
    findingsResolved,
    errors: run.errors.length,
    error,
  };
}

export type SyncSummary =
  | { skipped: true }
  | {
      skipped: false;
      environments: {
        environmentId: string;
        syncRunId: string;
        status: SyncStatus;
        created: number;
        updated: number;
        markedGone: number;
        error: string | null;
      }[];
    };

/** Syncs every environment of the cloud's region under the scheduled-sync lock. */
export async function sync(event: ScheduledEvent, context: LambdaContext): Promise<SyncSummary> {
  const { syncOnce, drillsOnce, log } = await jobs();
  const invocation = { eventId: event.id, requestId: context.awsRequestId };
  const runs = await syncOnce(log.child(invocation));
  // Drills are looked for after each sync, on the inventory it has just brought up to date.
  await drillsOnce(log.child(invocation));
  if (!runs) {
    log.info(invocation, "sync skipped: another process is syncing");
    return { skipped: true };
  }
  const environments = runs.map((run) => ({
    environmentId: run.environmentId,
    syncRunId: run.id,
    status: run.status,
    created: run.created,
    updated: run.updated,
    markedGone: run.markedGone,
    error: run.error,
  }));
  return { skipped: false, environments };
}

/** A CloudFormation custom resource event, as the CDK provider framework passes it on. */
export interface MigrateEvent {
  RequestType?: "Create" | "Update" | "Delete";
  PhysicalResourceId?: string;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  alreadyApplied: number;
  /** For the CDK provider framework (custom resource); ignored by a plain invoke. */
  PhysicalResourceId: string;
  Data: { applied: string; appliedCount: number };
}

const MIGRATIONS_RESOURCE_ID = "fastier-database-migrations";

/**
 * Applies pending migrations with the project's runner (each in its own transaction,
 * under an advisory lock, recorded in `_prisma_migrations`). A custom resource's Delete
 * leaves the schema alone. Opens no pool: the runner uses one connection of its own.
 */
export async function migrate(event: MigrateEvent = {}, context?: LambdaContext): Promise<MigrateResult> {
  const { log } = await settings();
  const physicalId = event.PhysicalResourceId ?? MIGRATIONS_RESOURCE_ID;
  if (event.RequestType === "Delete") {
    log.info({ requestId: context?.awsRequestId }, "migrate: custom resource deleted, schema left as it is");
    return { applied: [], alreadyApplied: 0, PhysicalResourceId: physicalId, Data: { applied: "", appliedCount: 0 } };
  }
  const directory = migrationsDirectory();
  const { applied, alreadyApplied } = await runMigrations(await databaseUrl(), directory);
  log.info({ requestId: context?.awsRequestId, applied, alreadyApplied, directory }, "migrations applied");
  return {
    applied,
    alreadyApplied,
    PhysicalResourceId: physicalId,
    // CloudFormation attributes are strings and numbers; the names go in one string.
    Data: { applied: applied.join(","), appliedCount: applied.length },
  };
}
