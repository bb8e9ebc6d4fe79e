import {
  type CloudPort,
  type DeliveryRound,
  deliverWebhooks,
  NOTIFICATION_RETENTION_DAYS,
  type ScheduledDrill,
  type SweepRun,
  type SweepSettings,
  type SyncRun,
  startDueDrills,
  type WebhookSender,
} from "@fastier/core";
import {
  createApprovalPolicyStore,
  createDeliveryQueue,
  createDrDrillStore,
  createInventoryStore,
  createOperationStore,
  createPrismaSyncStore,
  type DatabaseHandle,
  LOCK_KEYS,
  withTryAdvisoryLock,
} from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import type { Logger } from "pino";
import { createReconciler, type Reconciler } from "./reconciler.ts";
import { syncAllEnvironments } from "./syncAllEnvironments.ts";
import { createWebhookSender } from "./webhookSender.ts";

export interface ScheduledJobsDependencies {
  database: DatabaseHandle;
  cloud: CloudPort;
  now: () => Date;
  log: Logger;
  /** The reconciler's lease holder name, unique per process or container. */
  workerId: string;
  sweepSettings?: Partial<SweepSettings>;
  webhooks?: WebhookDeliverySettings;
}

export interface WebhookDeliverySettings {
  dashboardBaseUrl: string;
  /** Retries wait in real time (the wall clock) even under the simulator: receivers live in the real world. */
  now?: () => Date;
  random?: () => number;
  sender?: WebhookSender;
  leaseMs?: number;
}

export interface ScheduledJobs {
  reconciler: Reconciler;
  /** Syncs every environment under the scheduled-sync lock and logs each run; undefined when another process holds it. */
  syncOnce(log: Logger): Promise<SyncRun[] | undefined>;
  /** One health sweep under the sweep lock, logged; undefined when another process is sweeping. */
  sweepOnce(log: Logger): Promise<SweepRun | undefined>;
  /** Starts the DR drills the environments' schedules ask for, under the schedule lock; undefined when another process holds it. */
  drillsOnce(log: Logger): Promise<ScheduledDrill[] | undefined>;
  /** Fans out new events and sends due webhook deliveries until none is left due; returns the rounds' totals. */
  deliverOnce(log: Logger): Promise<DeliveryRound>;
}

/** Old events are pruned at most this often per process. */
const PRUNE_EVERY_MS = 60 * 60_000;

/** Rounds of delivery in one call, so a backlog drains without waiting an interval per batch. */
const MAX_DELIVERY_ROUNDS = 50;

/**
 * The worker's jobs over one database and cloud, shared by the long-running
 * worker (on timers) and the Lambda handlers (on EventBridge schedules).
 */
export function createScheduledJobs(deps: ScheduledJobsDependencies): ScheduledJobs {
  const inventory = createInventoryStore(deps.database);
  const syncDeps = { cloud: deps.cloud, inventory, syncs: createPrismaSyncStore(deps.database), now: deps.now };
  const sweeps = createSweepRunner({
    database: deps.database,
    cloud: deps.cloud,
    now: deps.now,
    ...(deps.sweepSettings && { settings: deps.sweepSettings }),
  });
  const operations = createOperationStore(deps.database);
  const drillDeps = {
    inventory,
    operations,
    approvals: createApprovalPolicyStore(deps.database.prisma),
    drills: createDrDrillStore(deps.database.prisma),
    cloud: deps.cloud,
    now: deps.now,
  };
  const deliveryDeps = {
    queue: createDeliveryQueue(deps.database),
    sender: deps.webhooks?.sender ?? createWebhookSender(),
    workerId: deps.workerId,
    now: deps.webhooks?.now ?? (() => new Date()),
    dashboardBaseUrl: deps.webhooks?.dashboardBaseUrl ?? "http://127.0.0.1:3000",
    ...(deps.webhooks?.random && { random: deps.webhooks.random }),
    ...(deps.webhooks?.leaseMs && { leaseMs: deps.webhooks.leaseMs }),
  };
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    reconciler: createReconciler({
      operations,
      inventory,
      cloud: deps.cloud,
      now: deps.now,
      log: deps.log,
      workerId: deps.workerId,
    }),

    async syncOnce(log) {
      const runs = await withTryAdvisoryLock(deps.database.pool, LOCK_KEYS.scheduledSync, () =>
        syncAllEnvironments(syncDeps),
      );
      for (const run of runs ?? []) {
        const fields = {
          environmentId: run.environmentId,
          syncRunId: run.id,
          created: run.created,
          updated: run.updated,
          markedGone: run.markedGone,
        };
        if (run.status === "failed") log.warn({ ...fields, error: run.error }, "scheduled sync failed");
        else log.info(fields, "scheduled sync finished");
      }
      return runs;
    },

    async drillsOnce(log) {
      const drills = await withTryAdvisoryLock(deps.database.pool, LOCK_KEYS.drillSchedule, () =>
        startDueDrills(drillDeps),
      );
      for (const drill of drills ?? []) {
        if (drill.operationId) log.info(drill, "scheduled DR drill started");
        else log.warn(drill, "scheduled DR drill not started");
      }
      return drills;
    },

    async deliverOnce(log) {
      const now = deliveryDeps.now().getTime();
      if (now - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = now;
        const pruned = await deliveryDeps.queue.prune(new Date(now - NOTIFICATION_RETENTION_DAYS * 86_400_000));
        if (pruned > 0) log.info({ pruned }, "old notification events and their delivery log pruned");
      }
      const total: DeliveryRound = { fannedOut: 0, attempted: 0, delivered: 0 };
      for (let round = 0; round < MAX_DELIVERY_ROUNDS; round++) {
        const done = await deliverWebhooks(deliveryDeps);
        total.fannedOut += done.fannedOut;
        total.attempted += done.attempted;
        total.delivered += done.delivered;
        if (done.fannedOut === 0 && done.attempted === 0) break;
      }
      if (total.attempted > total.delivered) log.warn(total, "some webhook deliveries failed; they are retried later");
      else if (total.attempted > 0) log.debug(total, "webhooks delivered");
      return total;
    },

    async sweepOnce(log) {
      const run = await sweeps.sweepOnce("schedule");
      if (!run) return run;
      const { id, status, resources, metricQueries, cloudCalls, findingsOpened, findingsResolved, errors } = run;
      const fields = { sweepId: id, resources, metricQueries, cloudCalls, findingsOpened, findingsResolved };
      if (status === "failed") log.error({ ...fields, error: run.error }, "health sweep failed");
      else if (status === "partial") log.warn({ ...fields, errors }, "health sweep finished with errors");
      // Every minute is a lot of lines: a sweep that changed nothing is logged at debug.
      else if (findingsOpened + findingsResolved + run.recommendationsCreated + run.recommendationsClosed > 0) {
        log.info(fields, "health sweep finished");
      } else log.debug(fields, "health sweep finished, nothing changed");
      return run;
    },
  };
}
