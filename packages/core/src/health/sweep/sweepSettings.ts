import { type BackupReplicationDefaults, NO_BACKUP_REPLICATION_DEFAULTS } from "../../dr/backupReplications.ts";
import { DEFAULT_TARGET_MEMORY_PERCENT } from "../recommendations/capacityPlanning.ts";
import type { FreeableMemoryThresholds, ReplicaLagThresholds } from "../rules/databaseRules.ts";
import type { MemoryPressureThresholds } from "../rules/memoryPressureRule.ts";
import { SWEEP_PERIOD_SECONDS } from "./metricQueryPlan.ts";

export interface SweepSettings {
  /** 5-minute periods read per sweep: at least the sustained plus the clear run, so runs can span sweeps. */
  windowPeriods: number;
  /** Samples older than this are pruned. */
  retentionDays: number;
  /** Utilisation that scale-out and rightsizing size for. */
  targetMemoryPercent: number;
  memory: Partial<MemoryPressureThresholds>;
  freeableMemory: Partial<FreeableMemoryThresholds>;
  replicaLag: Partial<ReplicaLagThresholds>;
  /** Where a replicate-backups recommendation sends a region's backups, and with which KMS key there. */
  backupReplication: BackupReplicationDefaults;
}

/** An hour of 5-minute periods: twice what the longest rule needs, so a missed sweep loses nothing. */
export const SWEEP_DEFAULTS: Readonly<SweepSettings> = {
  windowPeriods: 12,
  retentionDays: 14,
  targetMemoryPercent: DEFAULT_TARGET_MEMORY_PERCENT,
  memory: {},
  freeableMemory: {},
  replicaLag: {},
  backupReplication: NO_BACKUP_REPLICATION_DEFAULTS,
};

export const SWEEP_PERIOD_MS = SWEEP_PERIOD_SECONDS * 1000;

/**
 * The metric window of a sweep at `now`: whole periods only. A period still
 * in progress has a Maximum that can only rise, so counting it as "under 75%"
 * could resolve a finding early.
 */
export function sweepWindow(now: Date, windowPeriods: number): { start: Date; end: Date } {
  if (!Number.isInteger(windowPeriods) || windowPeriods < 1) {
    throw new RangeError(`windowPeriods must be a whole number ≥ 1; got ${windowPeriods}`);
  }
  const end = Math.floor(now.getTime() / SWEEP_PERIOD_MS) * SWEEP_PERIOD_MS;
  return { start: new Date(end - windowPeriods * SWEEP_PERIOD_MS), end: new Date(end) };
}
