import type { AuditContext } from "../audit/types.ts";
import type { Resource } from "../inventory/types.ts";
import type { SyncPlan } from "./planSync.ts";

export type SyncStatus = "running" | "succeeded" | "failed";

export interface SyncCounts {
  discovered: number;
  created: number;
  updated: number;
  unchanged: number;
  markedGone: number;
  /** Kinds the cloud could not list; their resources were left as they were. */
  failures: { kind: string; error: string }[];
}

export interface SyncRun extends SyncCounts {
  id: string;
  environmentId: string;
  status: SyncStatus;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface SyncStore {
  startRun(environmentId: string, trigger: string): Promise<SyncRun>;
  /**
   * In one transaction, with the environment locked against concurrent syncs:
   * reads its resources, asks `plan` what to change, applies all of it with
   * audit events, and finishes the run. Nothing is applied if anything fails.
   */
  applySync(
    runId: string,
    environmentId: string,
    plan: (inventory: Resource[]) => SyncPlan,
    audit: AuditContext,
    now: Date,
    failures: SyncCounts["failures"],
  ): Promise<SyncRun>;
  failRun(runId: string, error: string, failures: SyncCounts["failures"]): Promise<SyncRun>;
  listRuns(environmentId: string, limit: number): Promise<SyncRun[]>;
}
