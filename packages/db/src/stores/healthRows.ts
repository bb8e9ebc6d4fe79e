import type {
  EvidencePoint,
  Finding,
  FindingSeverity,
  HealthRuleId,
  Recommendation,
  RecommendationCloseReason,
  RecommendationKind,
  RecommendationStatus,
  StoredRecommendation,
  SweepError,
  SweepRun,
  SweepStatus,
} from "@fastier/core";
import type {
  Finding as FindingRow,
  HealthSweep as HealthSweepRow,
  Recommendation as RecommendationRow,
} from "../generated/prisma/client.ts";
import { fromDbEnum } from "./rowMapping.ts";

interface StoredEvidencePoint extends Omit<EvidencePoint, "timestamp"> {
  timestamp: string;
}

export function evidenceFromJson(value: unknown): EvidencePoint[] {
  return ((value ?? []) as StoredEvidencePoint[]).map((point) => ({ ...point, timestamp: new Date(point.timestamp) }));
}

export function findingFromRow(row: FindingRow): Finding & { environmentId: string } {
  return {
    id: row.id,
    environmentId: row.environmentId,
    ruleId: row.ruleId as HealthRuleId,
    resourceId: row.resourceId,
    severity: fromDbEnum<FindingSeverity>(row.severity),
    status: fromDbEnum<Finding["status"]>(row.status),
    evidence: evidenceFromJson(row.evidence),
    summary: row.summary,
    openedAt: row.openedAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: row.resolvedAt,
    resolution: row.resolution,
  };
}

export function recommendationFromRow(row: RecommendationRow): StoredRecommendation {
  return {
    id: row.id,
    environmentId: row.environmentId,
    kind: row.kind as RecommendationKind,
    resourceId: row.resourceId,
    findingId: row.findingId,
    ruleId: row.ruleId as HealthRuleId,
    status: fromDbEnum<RecommendationStatus>(row.status),
    title: row.title,
    rationale: row.rationale,
    proposal: row.proposal as Recommendation["proposal"],
    monthlyCostDeltaUsd: row.monthlyCostDeltaUsd,
    options: row.options as unknown as Recommendation["options"],
    apply: row.apply as unknown as Recommendation["apply"],
    manualSteps: row.manualSteps as unknown as Recommendation["manualSteps"],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    closedAt: row.closedAt,
    closeReason: row.closeReason as RecommendationCloseReason | null,
    replacedById: row.replacedById,
    appliedOperationId: row.appliedOperationId,
    appliedAt: row.appliedAt,
    appliedBy: row.appliedBy,
    dismissedAt: row.dismissedAt,
    dismissedBy: row.dismissedBy,
    dismissReason: row.dismissReason,
  };
}

export function sweepFromRow(row: HealthSweepRow): SweepRun {
  return {
    id: row.id,
    trigger: row.trigger,
    status: fromDbEnum<SweepStatus>(row.status),
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    resources: row.resources,
    metricQueries: row.metricQueries,
    datapoints: row.datapoints,
    samplesWritten: row.samplesWritten,
    cloudCalls: row.cloudCalls,
    findingsOpened: row.findingsOpened,
    findingsUpdated: row.findingsUpdated,
    findingsResolved: row.findingsResolved,
    recommendationsCreated: row.recommendationsCreated,
    recommendationsClosed: row.recommendationsClosed,
    samplesPruned: row.samplesPruned,
    cloudMs: row.cloudMs,
    databaseMs: row.databaseMs,
    errors: row.errors as unknown as SweepError[],
    error: row.error,
  };
}
