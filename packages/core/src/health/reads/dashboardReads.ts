import type { MetricStatistic } from "../../cloud/cloudTypes.ts";
import type { OperationKind } from "../../operations/operationRegistry.ts";
import type { OperationStatus } from "../../operations/operationTypes.ts";
import type { FindingSeverity } from "../rules/findingTypes.ts";
import type { SweepStatus } from "../sweep/sweepTypes.ts";

/**
 * The dashboard's reads: the fleet overview, chart series from stored samples
 * and the activity feed. Aggregates over several tables, so the store answers
 * them with a few SQL statements rather than through the other stores.
 */
export interface DashboardReads {
  /** Every environment's overview, by name; a fixed number of statements whatever the fleet's size. */
  fleetOverview(now: Date): Promise<FleetOverview>;
  /** Stored samples of one series aggregated into buckets, oldest first. */
  metricSeries(query: MetricSeriesQuery): Promise<SeriesPoint[]>;
  /** Activity newest first; see `ActivityQuery` for how a page ends. */
  activity(query: ActivityQuery): Promise<ActivityPage>;
}

export const ENVIRONMENT_HEALTH = ["healthy", "warning", "critical"] as const;
export type EnvironmentHealth = (typeof ENVIRONMENT_HEALTH)[number];

export type FindingCounts = Record<FindingSeverity, number>;

/** The worst open finding decides; `info` findings are worth knowing but not a problem. */
export function environmentHealth(open: FindingCounts): EnvironmentHealth {
  if (open.critical > 0) return "critical";
  if (open.warning > 0) return "warning";
  return "healthy";
}

export interface RunningOperationSummary {
  id: string;
  kind: OperationKind;
  status: Extract<OperationStatus, "pending" | "running">;
  step: string;
  targetResourceId: string;
  createdAt: Date;
}

/** Memory of one Auto Scaling group from stored `mem_used_percent` Maximum samples. */
export interface MemoryHeadline {
  resourceId: string;
  name: string;
  instanceType: string | null;
  desiredCapacity: number | null;
  /** The latest stored 5-minute maximum at or before now; null before any sweep stored one. */
  currentPercent: number | null;
  currentAt: Date | null;
  /** The highest 5-minute maximum of the 24 hours before now. */
  peakPercent: number | null;
  peakAt: Date | null;
}

export interface SweepSummary {
  id: string;
  status: SweepStatus;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface EnvironmentOverview {
  id: string;
  name: string;
  region: string;
  health: EnvironmentHealth;
  openFindings: FindingCounts;
  openRecommendations: number;
  runningOperations: RunningOperationSummary[];
  memory: MemoryHeadline[];
}

export interface FleetOverview {
  environments: EnvironmentOverview[];
  /** The latest health sweep of any environment (a sweep covers them all). */
  lastSweep: SweepSummary | null;
}

/** Statistics a chart can ask for; each maps to the SQL aggregate of the same meaning. */
export const SERIES_STATS = ["Maximum", "Average", "Minimum"] as const satisfies readonly MetricStatistic[];
export type SeriesStat = (typeof SERIES_STATS)[number];

export interface MetricSeriesQuery {
  resourceId: string;
  metric: string;
  stat: SeriesStat;
  /** The period the samples were stored at (300, or 60 for ReplicaLag). */
  storedPeriod: number;
  /** Bucket size in seconds; buckets start at multiples of it since the Unix epoch. */
  period: number;
  /** Samples with from ≤ timestamp < to. */
  from: Date;
  to: Date;
}

export interface SeriesPoint {
  /** Start of the bucket. */
  timestamp: Date;
  value: number;
}

export const ACTIVITY_TYPES = ["operation", "finding", "sync", "sweep"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface ActivityEntry {
  type: ActivityType;
  /** `<type>.<what happened>`: operation.created / .succeeded / .failed / .cancelled, finding.opened / .resolved, sync.succeeded / .failed, sweep.succeeded / .partial / .failed. */
  event: string;
  at: Date;
  /** Id of the operation, finding, sync run or sweep. */
  id: string;
  environmentId: string | null;
  resourceId: string | null;
  /** One line a person can read. */
  title: string;
}

export interface ActivityQuery {
  limit: number;
  /** Only entries strictly older than this. */
  before?: Date;
  /** Only this environment's entries (sweeps, which cover every environment, are left out). */
  environmentId?: string;
}

export interface ActivityPage {
  items: ActivityEntry[];
  /**
   * Pass as `before` for the next page; null when nothing older is left. It is
   * the last item's `at`, and a page never ends part-way through one instant
   * (a sweep opens many findings at the same time), so no entry is skipped: a
   * page can be shorter than `limit`, or longer when a single instant holds more.
   */
  nextBefore: Date | null;
}
