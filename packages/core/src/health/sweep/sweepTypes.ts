import type { Resource } from "../../inventory/types.ts";
import type { Recommendation } from "../recommendations/recommendations.ts";
import type { SupersedeReason, SupersedeResult } from "../recommendations/supersedeRecommendations.ts";
import type { Finding, FindingChanges } from "../rules/findingTypes.ts";

export const SWEEP_STATUSES = ["running", "succeeded", "partial", "failed", "interrupted"] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];

/** Something that failed while the rest of the sweep went on. */
export interface SweepError {
  /** `metrics`: a GetMetricData batch; `resource`: one resource's rules. */
  scope: "metrics" | "resource";
  message: string;
  /** For a metric batch: how many queries it held. */
  queries?: number;
  retryable?: boolean;
  resourceId?: string;
}

export interface SweepStats {
  resources: number;
  metricQueries: number;
  datapoints: number;
  samplesWritten: number;
  cloudCalls: number;
  findingsOpened: number;
  findingsUpdated: number;
  findingsResolved: number;
  recommendationsCreated: number;
  recommendationsClosed: number;
  samplesPruned: number;
  /**
   * Wall-clock time waiting on the cloud and on the database. Samples are written while the cloud answers
   * the next batch, so the two overlap and can add up to more than the sweep took.
   */
  cloudMs: number;
  databaseMs: number;
}

export interface SweepRun extends SweepStats {
  id: string;
  trigger: string;
  status: SweepStatus;
  startedAt: Date;
  finishedAt: Date | null;
  windowStart: Date;
  windowEnd: Date;
  errors: SweepError[];
  /** Why the whole sweep failed. */
  error: string | null;
}

/** A series a sweep stores: one metric of one resource at one statistic and period. */
export interface SampleSeries {
  resourceId: string;
  metricName: string;
  stat: string;
  period: number;
}

/**
 * Stored datapoints as parallel columns, the i-th sample being (seriesIds[i], timestamps[i], values[i]):
 * a first sweep of a large fleet writes hundreds of thousands, and three typed arrays hold them in a few
 * megabytes where an object and a Date each took ten times that.
 */
export interface SampleColumns {
  /** The store's id of each sample's series, as `resolveSeries` gave it. */
  seriesIds: Int32Array;
  /** Epoch milliseconds. */
  timestamps: Float64Array;
  values: Float64Array;
}

export const RECOMMENDATION_STATUSES = ["open", "applied", "dismissed", "superseded"] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

/** Why a recommendation stopped being current. */
export type RecommendationCloseReason = SupersedeReason;

export interface StoredRecommendation extends Recommendation {
  id: string;
  environmentId: string;
  status: RecommendationStatus;
  createdAt: Date;
  updatedAt: Date;
  /** When it stopped being current; null while its finding is open and its numbers hold. */
  closedAt: Date | null;
  closeReason: RecommendationCloseReason | null;
  replacedById: string | null;
  appliedOperationId: string | null;
  appliedAt: Date | null;
  appliedBy: string | null;
  dismissedAt: Date | null;
  dismissedBy: string | null;
  dismissReason: string | null;
}

export interface SweepStart {
  trigger: string;
  startedAt: Date;
  windowStart: Date;
  windowEnd: Date;
}

/** What a sweep reads and writes; one database implementation. */
export interface HealthStore {
  /**
   * Records a new running sweep. The caller holds the sweep lock, so any
   * sweep still marked running died with its process: those become
   * `interrupted`. Also returns the window end of the last sweep that
   * finished, so samples already stored need not be written again.
   */
  startSweep(start: SweepStart): Promise<{ sweep: SweepRun; previousWindowEnd: Date | null }>;
  /** Auto Scaling groups, instances and DB instances not gone, of environments in `region`. */
  sweepResources(region: string): Promise<Resource[]>;
  /**
   * The store's id of each series, in the order given: series met for the first time are added. Called
   * once per sweep with every series it may write, so samples carry a small integer instead of four
   * columns. Samples refer to the ids by index, so the ids may arrive while the first batch is fetched.
   */
  resolveSeries(series: readonly SampleSeries[]): Promise<Int32Array>;
  /**
   * Stores samples (a crash and a redo write the same rows once); returns how many rows changed. Those
   * from `newFrom` on are past every finished sweep's window, so none should be stored yet: the store
   * may insert them without checking each row first, as long as it still tolerates ones that are. Those
   * before it are rewritten only where the value differs.
   */
  writeSamples(samples: SampleColumns, newFrom: Date): Promise<number>;
  openFindings(): Promise<Finding[]>;
  /**
   * Applies one sweep's finding changes in one transaction. An open that
   * collides with an open finding already there (a race, or a redo) is
   * skipped. Returns every finding open afterwards.
   */
  applyFindingChanges(sweepId: string, changes: FindingChanges): Promise<Finding[]>;
  /** Recommendations still current (open, or applied / dismissed while their finding is open). */
  currentRecommendations(): Promise<StoredRecommendation[]>;
  applyRecommendationChanges(
    changes: SupersedeResult<StoredRecommendation>,
    now: Date,
  ): Promise<{ created: number; closed: number }>;
  pruneSamples(before: Date): Promise<number>;
  finishSweep(
    id: string,
    outcome: { status: SweepStatus; finishedAt: Date; stats: SweepStats; errors: SweepError[]; error: string | null },
  ): Promise<SweepRun>;
}
