import type { AuditContext } from "../../audit/types.ts";
import type { CursorPosition, Page } from "../../pagination/cursor.ts";
import type { RecommendationKind } from "../recommendations/recommendations.ts";
import type { Finding, FindingSeverity, FindingStatus, HealthRuleId } from "../rules/findingTypes.ts";
import type { RecommendationStatus, StoredRecommendation, SweepRun, SweepStatus } from "../sweep/sweepTypes.ts";

/** A finding as the API shows it: with its environment and its resource's name. */
export interface FindingView extends Finding {
  environmentId: string;
  resourceName: string;
}

/** Findings, newest `openedAt` first. */
export interface FindingListQuery {
  status?: FindingStatus;
  severity?: FindingSeverity;
  ruleId?: HealthRuleId;
  environmentId?: string;
  resourceId?: string;
  limit: number;
  after?: CursorPosition;
}

/** Recommendations, newest `createdAt` first. */
export interface RecommendationListQuery {
  status?: RecommendationStatus;
  kind?: RecommendationKind;
  environmentId?: string;
  resourceId?: string;
  findingId?: string;
  /** true: still current (not closed); false: closed. */
  current?: boolean;
  limit: number;
  after?: CursorPosition;
}

/** Sweeps, newest `startedAt` first. */
export interface SweepListQuery {
  status?: SweepStatus;
  limit: number;
  after?: CursorPosition;
}

/**
 * What the API reads from the health tables, and the two decisions people
 * take on a recommendation. The sweep's own reads and writes are HealthStore.
 */
export interface HealthReads {
  listFindings(query: FindingListQuery): Promise<Page<FindingView>>;
  getFinding(id: string): Promise<FindingView | null>;
  /** Every recommendation made for the finding, current or not, newest first. */
  recommendationsOfFinding(findingId: string): Promise<StoredRecommendation[]>;
  listRecommendations(query: RecommendationListQuery): Promise<Page<StoredRecommendation>>;
  getRecommendation(id: string): Promise<StoredRecommendation | null>;
  /**
   * Marks the recommendation applied by `operationId`, with its audit event, if it
   * is still open and current; null (nothing written) when it no longer is.
   */
  markApplied(
    id: string,
    change: { operationId: string; at: Date },
    audit: AuditContext,
  ): Promise<StoredRecommendation | null>;
  /** Marks it dismissed, with its audit event, if it is still open and current; null otherwise. */
  markDismissed(
    id: string,
    change: { reason: string; at: Date },
    audit: AuditContext,
  ): Promise<StoredRecommendation | null>;
  listSweeps(query: SweepListQuery): Promise<Page<SweepRun>>;
  getSweep(id: string): Promise<SweepRun | null>;
}
