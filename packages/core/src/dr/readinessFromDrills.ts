import type { DrDrillRecord, DrObjectives } from "./drillStore.ts";
import { type DatabaseDrAssessment, type DrGap, type DrReadinessReport, statusOf } from "./drReadiness.ts";

/** Whether the evidence meets an objective: no objective set, no successful drill in the period, or the numbers. */
export type ObjectiveVerdict = "met" | "not_met" | "no_evidence" | "no_objective";

export interface DrillSummary {
  operationId: string;
  outcome: DrDrillRecord["outcome"];
  errorCode: string | null;
  requestedAt: Date;
  measuredRtoSeconds: number | null;
  achievedRpoSeconds: number | null;
}

export interface DrillEvidence {
  lastDrill: DrillSummary | null;
  /** The newest successful drill within the period, the one the objectives are judged by. */
  lastSuccessfulDrill: DrillSummary | null;
  periodDays: number;
  objectives: { rtoMinutes: number | null; rpoMinutes: number | null; rto: ObjectiveVerdict; rpo: ObjectiveVerdict };
}

export type DatabaseAssessmentWithEvidence = DatabaseDrAssessment & { evidence: DrillEvidence };
export type DrReadinessReportWithEvidence = Omit<DrReadinessReport, "databases"> & {
  databases: DatabaseAssessmentWithEvidence[];
  objectives: DrObjectives;
};

export interface DrillEvidenceInput {
  /** Per database resource id: its newest drill and its newest successful one. */
  drills: Map<string, { last: DrDrillRecord; lastSucceeded: DrDrillRecord | null }>;
  objectives: DrObjectives;
  /** A database without a successful drill in this many days has no evidence. */
  periodDays: number;
  now: Date;
}

const summaryOf = (drill: DrDrillRecord): DrillSummary => ({
  operationId: drill.operationId,
  outcome: drill.outcome,
  errorCode: drill.errorCode,
  requestedAt: drill.requestedAt,
  measuredRtoSeconds: drill.measuredRtoSeconds,
  achievedRpoSeconds: drill.achievedRpoSeconds,
});

function verdict(objectiveMinutes: number | null, measuredSeconds: number | null | undefined): ObjectiveVerdict {
  if (objectiveMinutes === null) return "no_objective";
  if (measuredSeconds === null || measuredSeconds === undefined) return "no_evidence";
  return measuredSeconds <= objectiveMinutes * 60 ? "met" : "not_met";
}

function drillGaps(name: string, evidence: DrillEvidence): DrGap[] {
  const gaps: DrGap[] = [];
  const proof = evidence.lastSuccessfulDrill;
  if (!proof) {
    gaps.push({
      code: "no_recent_drill",
      severity: "warning",
      message: `${name} has no successful DR drill in the last ${evidence.periodDays} days: its recovery times are estimates only`,
    });
    return gaps;
  }
  const { objectives } = evidence;
  if (objectives.rto === "not_met") {
    gaps.push({
      code: "drill_rto_over_objective",
      severity: "warning",
      message: `${name}'s last drill took ${proof.measuredRtoSeconds} s to recover, over the RTO objective of ${objectives.rtoMinutes} min`,
    });
  }
  if (objectives.rpo === "not_met") {
    gaps.push({
      code: "drill_rpo_over_objective",
      severity: "warning",
      message: `${name}'s last drill restored a point ${proof.achievedRpoSeconds} s old, over the RPO objective of ${objectives.rpoMinutes} min`,
    });
  }
  return gaps;
}

/**
 * The readiness report with each database's drill evidence beside its estimates: the last drill's
 * measured RTO and RPO, whether the environment's objectives are met by evidence, and gaps for a
 * database without a successful drill in the period or with one that missed an objective.
 */
export function withDrillEvidence(report: DrReadinessReport, input: DrillEvidenceInput): DrReadinessReportWithEvidence {
  const since = input.now.getTime() - input.periodDays * 86_400_000;
  const databases = report.databases.map((database): DatabaseAssessmentWithEvidence => {
    const drills = input.drills.get(database.resourceId);
    const succeeded = drills?.lastSucceeded;
    const proof = succeeded && succeeded.requestedAt.getTime() >= since ? summaryOf(succeeded) : null;
    const evidence: DrillEvidence = {
      lastDrill: drills ? summaryOf(drills.last) : null,
      lastSuccessfulDrill: proof,
      periodDays: input.periodDays,
      objectives: {
        ...input.objectives,
        rto: verdict(input.objectives.rtoMinutes, proof?.measuredRtoSeconds),
        rpo: verdict(input.objectives.rpoMinutes, proof?.achievedRpoSeconds),
      },
    };
    const gaps = [...database.gaps, ...drillGaps(database.identifier, evidence)];
    return { ...database, gaps, status: statusOf(gaps), evidence };
  });
  return {
    ...report,
    databases,
    objectives: input.objectives,
    status: statusOf([...report.gaps, ...databases.flatMap((database) => database.gaps)]),
  };
}
