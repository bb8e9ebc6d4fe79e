import type { HealthConfig } from "@fastier/config";
import { type CloudPort, runSweep, type SweepRun, type SweepSettings } from "@fastier/core";
import { createHealthStore, type DatabaseHandle, LOCK_KEYS, withTryAdvisoryLock } from "@fastier/db";

export interface SweepRunner {
  /** Runs one sweep now; undefined when another process is sweeping (the sweep lock is taken). */
  sweepOnce(trigger: "schedule" | "api" | "cli"): Promise<SweepRun | undefined>;
}

/** The sweep's settings from the configuration. */
export function sweepSettingsOf(health: HealthConfig): Partial<SweepSettings> {
  return {
    retentionDays: health.retentionDays,
    targetMemoryPercent: health.targetMemoryPercent,
    memory: health.memory,
    backupReplication: health.backupReplication,
  };
}

/**
 * Health sweeps for the worker, the API and the CLI: one at a time across
 * every process, by a session advisory lock; whoever finds it taken skips.
 */
export function createSweepRunner(deps: {
  database: Pick<DatabaseHandle, "prisma" | "pool">;
  cloud: CloudPort;
  now: () => Date;
  settings?: Partial<SweepSettings>;
}): SweepRunner {
  const health = createHealthStore(deps.database);
  return {
    sweepOnce: (trigger) =>
      withTryAdvisoryLock(deps.database.pool, LOCK_KEYS.healthSweep, () =>
        runSweep(
          { cloud: deps.cloud, health, now: deps.now, ...(deps.settings && { settings: deps.settings }) },
          trigger,
        ),
      ),
  };
}
