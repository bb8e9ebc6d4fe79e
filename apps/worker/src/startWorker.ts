import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Config } from "@fastier/config";
import type { CloudPort, DeliveryRound, SweepRun, SweepSettings } from "@fastier/core";
import { type DatabaseHandle, isDatabaseUnavailable, listenToOutbox, type OutboxListener } from "@fastier/db";
import { type Runtime, sweepSettingsOf } from "@fastier/runtime";
import type { Logger } from "pino";
import { startPeriodicTask } from "./periodicTask.ts";
import { createScheduledJobs, type WebhookDeliverySettings } from "./scheduledJobs.ts";

export interface WorkerDependencies {
  database: DatabaseHandle;
  cloud: CloudPort;
  log: Logger;
  /** Seconds between scheduled syncs; 0 turns them off. */
  syncIntervalSeconds: number;
  /** Milliseconds between reconciler ticks; 0 runs ticks only on demand (tests). */
  reconcileIntervalMs: number;
  /** Milliseconds between health sweeps; 0 runs sweeps only on demand. */
  sweepIntervalMs?: number;
  sweepSettings?: Partial<SweepSettings>;
  /** Milliseconds between webhook delivery rounds; 0 delivers only on demand. */
  webhookIntervalMs?: number;
  webhooks?: WebhookDeliverySettings;
  now?: () => Date;
  /** The lease holder's name; unique per process by default. */
  workerId?: string;
}

export interface Worker {
  /** One scheduled sync now (used by tests and at start-up). */
  syncNow(): Promise<void>;
  /** One reconciler tick now; returns how many operations it advanced. */
  reconcileNow(): Promise<number>;
  /** One health sweep now; undefined when another process is sweeping. */
  sweepNow(): Promise<SweepRun | undefined>;
  /** Webhook delivery now, until nothing is due. */
  deliverNow(): Promise<DeliveryRound>;
  stop(): Promise<void>;
}

/**
 * The background side of the control plane. Scheduled jobs take a database
 * advisory lock, so with several workers each job runs once per interval.
 */
export function startWorker(deps: WorkerDependencies): Worker {
  const log = deps.log.child({ component: "worker" });
  const jobs = createScheduledJobs({
    database: deps.database,
    cloud: deps.cloud,
    now: deps.now ?? (() => new Date()),
    log,
    workerId: deps.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    ...(deps.sweepSettings && { sweepSettings: deps.sweepSettings }),
    ...(deps.webhooks && { webhooks: deps.webhooks }),
  });
  const { reconciler } = jobs;

  // Drills are looked for after each sync, on the inventory it has just brought up to date.
  const syncOnce = async () => {
    if (!(await jobs.syncOnce(log))) log.debug("scheduled sync skipped: another worker holds the lock");
    if (!(await jobs.drillsOnce(log))) log.debug("DR drill schedule skipped: another worker holds the lock");
  };
  const sync =
    deps.syncIntervalSeconds > 0
      ? startPeriodicTask({
          name: "sync",
          intervalMs: deps.syncIntervalSeconds * 1000,
          run: syncOnce,
          onError: jobFailed(log, "scheduled sync"),
        })
      : undefined;
  const sweepOnce = async () => {
    const run = await jobs.sweepOnce(log);
    if (!run) log.debug("scheduled sweep skipped: another process is sweeping");
    return run;
  };
  const sweep =
    (deps.sweepIntervalMs ?? 0) > 0
      ? startPeriodicTask({
          name: "sweep",
          intervalMs: deps.sweepIntervalMs ?? 0,
          run: async () => {
            await sweepOnce();
          },
          onError: jobFailed(log, "health sweep"),
          runAtStart: true,
        })
      : undefined;
  const deliverOnce = () => jobs.deliverOnce(log);
  const deliver =
    (deps.webhookIntervalMs ?? 0) > 0
      ? startPeriodicTask({
          name: "webhooks",
          intervalMs: deps.webhookIntervalMs ?? 0,
          run: async () => {
            await deliverOnce();
          },
          onError: jobFailed(log, "webhook delivery"),
        })
      : undefined;
  // A commit with new events wakes delivery at once; the interval remains the retry tick and the fallback.
  const listening: Promise<OutboxListener | undefined> = deliver
    ? listenToOutbox(
        deps.database.pool,
        () => deliver.wake(),
        (error) => log.warn({ reason: error.message }, "outbox listener lost; webhooks go out at each interval only"),
      ).catch((error: Error) => {
        log.warn({ reason: error.message }, "outbox listener not started; webhooks go out at each interval");
        return undefined;
      })
    : Promise.resolve(undefined);
  // Stopping lets the step in flight finish and gives back claims not yet started.
  const stopping = new AbortController();
  const reconcile =
    deps.reconcileIntervalMs > 0
      ? startPeriodicTask({
          name: "reconcile",
          intervalMs: deps.reconcileIntervalMs,
          // Keep going while steps are due, so a chain of immediate steps does not wait a tick each.
          run: async () => {
            await reconciler.runUntil(Number.POSITIVE_INFINITY, stopping.signal);
          },
          onError: jobFailed(log, "reconciler tick"),
        })
      : undefined;
  log.info(
    {
      syncIntervalSeconds: deps.syncIntervalSeconds,
      reconcileIntervalMs: deps.reconcileIntervalMs,
      sweepIntervalMs: deps.sweepIntervalMs ?? 0,
      webhookIntervalMs: deps.webhookIntervalMs ?? 0,
    },
    "worker started",
  );

  return {
    syncNow: () => (sync ? sync.runNow() : syncOnce()),
    reconcileNow: () => reconciler.tick(),
    sweepNow: sweepOnce,
    deliverNow: deliverOnce,
    async stop() {
      stopping.abort();
      await (await listening)?.close();
      await Promise.all([sweep?.stop(), reconcile?.stop(), sync?.stop(), deliver?.stop()]);
      log.info("worker stopped");
    },
  };
}

/**
 * A database outage is expected weather, not a crash: one warning that says
 * so, and the job simply runs again at its next interval.
 */
function jobFailed(log: Logger, job: string) {
  return (error: unknown) => {
    if (isDatabaseUnavailable(error)) {
      log.warn(
        { job, reason: error instanceof Error ? error.message : String(error) },
        `${job} skipped: the database is unavailable; retrying at the next interval`,
      );
    } else {
      log.error({ err: error, job }, `${job} crashed`);
    }
  };
}

/**
 * The worker on an opened runtime, with the configured schedule. On the
 * simulator, sync and sweep intervals count simulated time, so at
 * SIM_TIME_SCALE=10 a 60 s sweep interval is 6 real seconds.
 */
export function startWorkerOn(runtime: Runtime, config: Config, log: Logger): Worker {
  const scale = config.cloud.provider === "sim" ? config.cloud.simTimeScale : 1;
  return startWorker({
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    log,
    syncIntervalSeconds: config.syncIntervalSeconds / scale,
    reconcileIntervalMs: config.reconcileIntervalMs,
    sweepIntervalMs: (config.health.sweepIntervalSeconds * 1000) / scale,
    sweepSettings: sweepSettingsOf(config.health),
    webhookIntervalMs: config.webhooks.deliveryIntervalMs,
    webhooks: { dashboardBaseUrl: config.webhooks.dashboardBaseUrl },
  });
}
