import type { MetricPoint } from "../../cloud/cloudTypes.ts";
import {
  assessDrReadiness,
  type DrGap,
  MAX_REPLICA_LAG_SECONDS,
  MIN_BACKUP_RETENTION_DAYS,
} from "../../dr/drReadiness.ts";
import type { Resource } from "../../inventory/types.ts";
import { rdsClassMemoryGiB } from "../recommendations/instanceCatalog.ts";
import type { EvidencePoint, Finding, RuleEvaluation } from "./findingTypes.ts";
import { lowestOf, peakOf, round1 } from "./summaryNumbers.ts";
import { evaluateThreshold } from "./sustainedThreshold.ts";

const GIB = 1024 ** 3;

// ---- FreeableMemory -------------------------------------------------------

export interface FreeableMemoryThresholds {
  /** Warning when free memory stays under this share of the class's memory for `sustainedPeriods` periods. */
  lowPercent: number;
  sustainedPeriods: number;
  /** Critical when any period dips under this share: PostgreSQL is about to swap or be killed. */
  criticalPercent: number;
  /** Resolves after `clearPeriods` periods in a row at or above this share. */
  clearPercent: number;
  clearPeriods: number;
  periodSeconds: number;
}

/**
 * Under 10% free for 15 minutes means the working set no longer fits beside
 * shared buffers; 5% in one period is one big sort from an out-of-memory
 * restart. The 15% clear level is the same kind of band as memory pressure's.
 * Read with the 5-minute Minimum: the worst moment, as Maximum is for `mem_used_percent`.
 */
export const FREEABLE_MEMORY_DEFAULTS: Readonly<FreeableMemoryThresholds> = {
  lowPercent: 10,
  sustainedPeriods: 3,
  criticalPercent: 5,
  clearPercent: 15,
  clearPeriods: 3,
  periodSeconds: 300,
};

export interface FreeableMemoryInput {
  resource: Pick<Resource, "id" | "name" | "instanceType">;
  /** 5-minute Minimum of `AWS/RDS FreeableMemory` in bytes, oldest first. */
  points: readonly MetricPoint[];
  open: Pick<Finding, "severity"> | null;
  /** The class's memory; defaults to the RDS class table. Give it for a class the table lacks. */
  classMemoryGiB?: number;
  thresholds?: Partial<FreeableMemoryThresholds>;
}

export function evaluateFreeableMemory(input: FreeableMemoryInput): RuleEvaluation {
  const t = { ...FREEABLE_MEMORY_DEFAULTS, ...input.thresholds };
  const name = input.resource.name;
  const memoryGiB = input.classMemoryGiB ?? rdsClassMemoryGiB(input.resource.instanceType);
  if (memoryGiB === null) {
    return {
      verdict: "unknown",
      ruleId: "db_freeable_memory_low",
      resourceId: input.resource.id,
      evidence: [],
      summary: `${name}: memory of class ${input.resource.instanceType ?? "(none)"} is not known; pass classMemoryGiB`,
    };
  }
  const bytesAt = (percent: number) => (memoryGiB * GIB * percent) / 100;
  const share = (bytes: number) => `${round1(bytes / GIB)} GiB (${round1((bytes / (memoryGiB * GIB)) * 100)}%)`;
  return evaluateThreshold({
    ruleId: "db_freeable_memory_low",
    resourceId: input.resource.id,
    metric: "FreeableMemory",
    unit: "Bytes",
    points: input.points,
    open: input.open,
    threshold: {
      breaches: (bytes) => bytes < bytesAt(t.lowPercent),
      sustainedPeriods: t.sustainedPeriods,
      isCritical: (bytes) => bytes < bytesAt(t.criticalPercent),
      isClear: (bytes) => bytes >= bytesAt(t.clearPercent),
      clearPeriods: t.clearPeriods,
      periodSeconds: t.periodSeconds,
    },
    wording: {
      firing: (state, window) =>
        state.severity === "critical"
          ? `${name}: freeable memory fell to ${share(lowestOf(window))} of ${memoryGiB} GiB (critical under ${t.criticalPercent}%)`
          : `${name}: freeable memory under ${t.lowPercent}% of ${memoryGiB} GiB for ${t.sustainedPeriods} periods in a row; lowest ${share(lowestOf(window))}`,
      cleared: (clearedBy) =>
        `${name}: freeable memory at or above ${t.clearPercent}% for ${t.clearPeriods} periods in a row; lowest ${share(lowestOf(clearedBy))}`,
      healthy: (window) => `${name}: enough freeable memory; lowest ${share(lowestOf(window))} of ${memoryGiB} GiB`,
      noData: () => `${name}: no FreeableMemory datapoints in this window`,
    },
  });
}

// ---- ReplicaLag -----------------------------------------------------------

export interface ReplicaLagThresholds {
  /** Warning when lag stays over this for `sustainedPeriods` periods. Defaults to the DR readiness limit. */
  maxLagSeconds: number;
  sustainedPeriods: number;
  /** Critical when any period is over this. */
  criticalLagSeconds: number;
  /** Resolves after `clearPeriods` periods in a row at or under this. */
  clearLagSeconds: number;
  clearPeriods: number;
  periodSeconds: number;
}

/**
 * Read at RDS's own resolution (1-minute Maximum, as `readReplicaLag` does).
 * Sustained for 3 periods: a vacuum or a bulk write lifts lag past a minute
 * for a minute or two and recovers by itself; three minutes in a row means
 * the replica is not keeping up. Critical over 5 minutes in any period: RDS's
 * latest restorable time trails by about 5 minutes, so past that a promotion
 * would lose more writes than a point-in-time restore.
 */
export const REPLICA_LAG_DEFAULTS: Readonly<ReplicaLagThresholds> = {
  maxLagSeconds: MAX_REPLICA_LAG_SECONDS,
  sustainedPeriods: 3,
  criticalLagSeconds: 300,
  clearLagSeconds: MAX_REPLICA_LAG_SECONDS / 2,
  clearPeriods: 3,
  periodSeconds: 60,
};

export interface ReplicaLagInput {
  /** A read replica. */
  resource: Pick<Resource, "id" | "name">;
  /** 1-minute Maximum of `AWS/RDS ReplicaLag` in seconds, oldest first. */
  points: readonly MetricPoint[];
  open: Pick<Finding, "severity"> | null;
  thresholds?: Partial<ReplicaLagThresholds>;
}

export function evaluateReplicaLag(input: ReplicaLagInput): RuleEvaluation {
  const t = { ...REPLICA_LAG_DEFAULTS, ...input.thresholds };
  const name = input.resource.name;
  // A negative ReplicaLag is RDS saying "no replication status", not a lag: it proves nothing either way.
  const points = input.points.filter((point) => point.value >= 0);
  return evaluateThreshold({
    ruleId: "db_replica_lag_high",
    resourceId: input.resource.id,
    metric: "ReplicaLag",
    unit: "Seconds",
    points,
    open: input.open,
    threshold: {
      breaches: (seconds) => seconds > t.maxLagSeconds,
      sustainedPeriods: t.sustainedPeriods,
      isCritical: (seconds) => seconds > t.criticalLagSeconds,
      isClear: (seconds) => seconds <= t.clearLagSeconds,
      clearPeriods: t.clearPeriods,
      periodSeconds: t.periodSeconds,
    },
    wording: {
      firing: (state, window) =>
        state.severity === "critical"
          ? `${name}: replica lag reached ${round1(peakOf(window))} s, over ${t.criticalLagSeconds} s: promoting it now would lose more than a point-in-time restore`
          : `${name}: replica lag over ${t.maxLagSeconds} s for ${t.sustainedPeriods} periods in a row; peak ${round1(peakOf(window))} s`,
      cleared: (clearedBy) =>
        `${name}: replica lag at or under ${t.clearLagSeconds} s for ${t.clearPeriods} periods in a row (peak ${round1(peakOf(clearedBy))} s)`,
      healthy: (window) => `${name}: replica keeping up; peak lag ${round1(peakOf(window))} s`,
      noData: () => `${name}: no ReplicaLag datapoints in this window`,
    },
  });
}

// ---- DR gaps --------------------------------------------------------------

export const DR_GAP_RULE_IDS = ["db_no_multi_az", "db_backup_retention_short", "db_no_read_replica"] as const;

export interface DrGapRulesInput {
  /** The environment's db_instance resources (replicas included: they decide "no read replica"). */
  databases: Resource[];
  now: Date;
}

/** The gap behind each rule, if any. Backups turned off count as the worst case of short retention. */
function gapFor(ruleId: (typeof DR_GAP_RULE_IDS)[number], gaps: DrGap[], retentionDays: number): DrGap | undefined {
  if (ruleId === "db_no_multi_az") return gaps.find((gap) => gap.code === "no_multi_az");
  if (ruleId === "db_no_read_replica") return gaps.find((gap) => gap.code === "no_read_replica");
  return gaps.find(
    (gap) => gap.code === "backup_retention_short" || (gap.code === "no_restorable_time" && retentionDays === 0),
  );
}

/**
 * DR gaps as findings, one evaluation per rule per primary or standalone
 * database. The gaps are DR readiness's own (same thresholds, severities and
 * wording), so the findings and the readiness report never disagree.
 * A database without details in the inventory gets `unknown`.
 */
export function evaluateDrGaps(input: DrGapRulesInput): RuleEvaluation[] {
  const report = assessDrReadiness({
    environmentName: "",
    databases: input.databases,
    replicaLagSeconds: {},
    now: input.now,
  });
  return report.databases.flatMap((assessment) => {
    const resource = input.databases.find((r) => r.id === assessment.resourceId);
    const spec = resource?.database ?? null;
    return DR_GAP_RULE_IDS.map((ruleId): RuleEvaluation => {
      const base = { ruleId, resourceId: assessment.resourceId };
      if (!resource || !spec) {
        return { ...base, verdict: "unknown", evidence: [], summary: `${assessment.identifier}: no database details` };
      }
      const observed = resource.lastSyncedAt ?? input.now;
      const evidence: Record<(typeof DR_GAP_RULE_IDS)[number], EvidencePoint> = {
        db_no_multi_az: { metric: "MultiAZ", unit: "Boolean", timestamp: observed, value: spec.multiAz ? 1 : 0 },
        db_backup_retention_short: {
          metric: "BackupRetentionPeriod",
          unit: "Days",
          timestamp: observed,
          value: spec.backupRetentionDays,
        },
        db_no_read_replica: {
          metric: "ReadReplicaCount",
          unit: "Count",
          timestamp: observed,
          value: assessment.replicas.length,
        },
      };
      const gap = gapFor(ruleId, assessment.gaps, spec.backupRetentionDays);
      if (!gap) {
        const healthy = {
          db_no_multi_az: "is Multi-AZ",
          db_backup_retention_short: `keeps backups ${spec.backupRetentionDays} days (at least ${MIN_BACKUP_RETENTION_DAYS})`,
          db_no_read_replica: `has ${assessment.replicas.length} read replica(s)`,
        }[ruleId];
        return {
          ...base,
          verdict: "clear",
          evidence: [evidence[ruleId]],
          summary: `${assessment.identifier} ${healthy}`,
        };
      }
      return { ...base, verdict: "firing", severity: gap.severity, evidence: [evidence[ruleId]], summary: gap.message };
    });
  });
}
