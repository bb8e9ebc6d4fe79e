/** Where in its window a drill restores its source: the newest restorable point, or a random one (an old backup works too). */
export const DR_DRILL_POINTS_IN_TIME = ["latest", "random"] as const;
export type DrDrillPointInTime = (typeof DR_DRILL_POINTS_IN_TIME)[number];

/** The tag a drill puts on its scratch instance (value: the drill's operation id), so nobody mistakes it for a database. */
export const DRILL_SCRATCH_TAG = "fastier:dr-drill";
/** The tag with the drill's deadline (ISO 8601): a scratch instance still there after it was left behind. */
export const DRILL_DEADLINE_TAG = "fastier:dr-drill-deadline";

/**
 * What a DR drill measured, kept per database as evidence beside the readiness estimates.
 * Times are ISO 8601 (they pass through an operation's saved state); null where the drill
 * did not get that far.
 */
export interface DrDrillEvidence {
  sourceIdentifier: string;
  scratchIdentifier: string;
  pointInTime: DrDrillPointInTime;
  /** When the drill was asked for: the disaster's moment, from which RTO and RPO count. */
  requestedAt: string;
  /** The point the scratch instance was restored to. */
  restoredPointAt: string | null;
  /** When the scratch instance was first seen available. */
  availableAt: string | null;
  /** When the scratch instance was seen gone; null while it (may) still exist. */
  deletedAt: string | null;
  /** Request to available. */
  measuredRtoSeconds: number | null;
  /** How far the restored point trails the request: the writes such a recovery loses. */
  achievedRpoSeconds: number | null;
  /** Whether the scratch instance passed the checks (available, same engine and version, endpoint); null if not checked. */
  checkPassed: boolean | null;
  /** What the checks found wrong, empty when they passed. */
  checkProblems: string[];
}

export const secondsBetween = (from: string | Date, to: string | Date) =>
  Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000);

/** The readiness gaps drills add: no successful drill in the period, or one that missed an objective. */
export type DrillGapCode = "no_recent_drill" | "drill_rto_over_objective" | "drill_rpo_over_objective";
