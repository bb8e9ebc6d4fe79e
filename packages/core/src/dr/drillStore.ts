import type { AuditContext } from "../audit/types.ts";
import type { CursorPosition, Page } from "../pagination/cursor.ts";
import type { DrDrillPointInTime } from "./drillEvidence.ts";

/** A finished drill as its history keeps it. */
export interface DrDrillRecord {
  id: string;
  operationId: string;
  environmentId: string;
  sourceResourceId: string;
  sourceIdentifier: string;
  scratchIdentifier: string;
  pointInTime: DrDrillPointInTime;
  outcome: "succeeded" | "failed" | "cancelled";
  /** The failure's code (e.g. drill_check_failed, timed_out); null otherwise. */
  errorCode: string | null;
  message: string;
  requestedAt: Date;
  restoredPointAt: Date | null;
  availableAt: Date | null;
  /** Null when the scratch instance was never created, or its delete did not finish. */
  deletedAt: Date | null;
  measuredRtoSeconds: number | null;
  achievedRpoSeconds: number | null;
  checkPassed: boolean | null;
  checkProblems: string[];
  finishedAt: Date;
}

/** How often the worker drills each primary database of an environment, and to what point. */
export interface DrDrillSchedule {
  enabled: boolean;
  everyDays: number;
  pointInTime: DrDrillPointInTime;
}

/** The environment's recovery objectives, in minutes; null where none is set. */
export interface DrObjectives {
  rtoMinutes: number | null;
  rpoMinutes: number | null;
}

/** A month: the period in which each database should have a successful drill, unless a schedule says otherwise. */
export const DEFAULT_DRILL_EVERY_DAYS = 30;
export const DRILL_EVERY_DAYS = { minimum: 1, maximum: 90 } as const;
/** From a minute to a week: an objective beyond that is no objective. */
export const OBJECTIVE_MINUTES = { minimum: 1, maximum: 10_080 } as const;

export const DEFAULT_DRILL_SCHEDULE: DrDrillSchedule = {
  enabled: false,
  everyDays: DEFAULT_DRILL_EVERY_DAYS,
  pointInTime: "latest",
};
export const NO_DR_OBJECTIVES: DrObjectives = { rtoMinutes: null, rpoMinutes: null };

export interface DrDrillStore {
  /** A database's drills, newest first. */
  list(sourceResourceId: string, page: { limit: number; after?: CursorPosition }): Promise<Page<DrDrillRecord>>;
  /** Per database: its newest drill and its newest successful one. */
  latest(
    sourceResourceIds: string[],
  ): Promise<Map<string, { last: DrDrillRecord; lastSucceeded: DrDrillRecord | null }>>;
  /** Throws NotFoundError for an unknown environment. */
  getSchedule(environmentId: string): Promise<DrDrillSchedule>;
  setSchedule(environmentId: string, schedule: DrDrillSchedule, audit: AuditContext): Promise<DrDrillSchedule>;
  /** The environments whose schedule is enabled. */
  scheduledEnvironments(): Promise<{ environmentId: string; schedule: DrDrillSchedule }[]>;
  getObjectives(environmentId: string): Promise<DrObjectives>;
  setObjectives(environmentId: string, objectives: DrObjectives, audit: AuditContext): Promise<DrObjectives>;
}
