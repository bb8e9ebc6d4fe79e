/**
 * Findings: what a health sweep flags about one resource, and how one sweep's
 * rule evaluations change the findings already on record.
 */

export const HEALTH_RULE_IDS = [
  "memory_pressure",
  "memory_metrics_missing",
  "db_freeable_memory_low",
  "db_replica_lag_high",
  "db_no_multi_az",
  "db_backup_retention_short",
  "db_no_read_replica",
  "db_no_backup_replication",
  // Not a sweep's rule: a deploy's health gate opens it when its automatic rollback fails.
  "deploy_rollback_failed",
  "dr_drill_scratch_left_behind",
] as const;
export type HealthRuleId = (typeof HEALTH_RULE_IDS)[number];

/** Same scale as DR gaps: `critical` needs action now, `warning` soon, `info` is worth knowing. */
export const FINDING_SEVERITIES = ["info", "warning", "critical"] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export const FINDING_STATUSES = ["open", "resolved"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** One observation behind a finding: a CloudWatch datapoint, or an inventory attribute as of its last sync. */
export interface EvidencePoint {
  /** The CloudWatch metric name (`mem_used_percent`, `FreeableMemory`) or the RDS attribute (`MultiAZ`). */
  metric: string;
  unit: "Percent" | "Bytes" | "Seconds" | "Days" | "Count" | "Boolean";
  timestamp: Date;
  value: number;
}

export interface Finding {
  id: string;
  ruleId: HealthRuleId;
  resourceId: string;
  severity: FindingSeverity;
  status: FindingStatus;
  /** The datapoints that opened or escalated it, oldest first, at most MAX_EVIDENCE_POINTS. */
  evidence: EvidencePoint[];
  /** What is wrong, with the numbers, as of the last sweep that saw it. */
  summary: string;
  openedAt: Date;
  /** The last sweep that found the condition still there. */
  lastSeenAt: Date;
  resolvedAt: Date | null;
  /** Why it resolved (e.g. the datapoints that cleared it); null while open. */
  resolution: string | null;
}

/** A finding to insert; the store assigns the id. */
export type NewFinding = Omit<Finding, "id">;

/**
 * One rule's verdict on one resource in one sweep:
 * - `firing`: the finding should be open (for rules with hysteresis, also
 *   while an open finding is inside the band where it neither opens nor resolves);
 * - `clear`: it should not be open;
 * - `unknown`: the data cannot say (no datapoints, CloudWatch failed); leave the finding as it is.
 */
export type RuleEvaluation =
  | {
      verdict: "firing";
      ruleId: HealthRuleId;
      resourceId: string;
      severity: FindingSeverity;
      /** New datapoints that opened or escalated it in this window; merged into the finding's evidence. */
      evidence: EvidencePoint[];
      summary: string;
    }
  | {
      verdict: "clear" | "unknown";
      ruleId: HealthRuleId;
      resourceId: string;
      evidence: EvidencePoint[];
      summary: string;
    };

export type FindingTransition = "open" | "stay" | "resolve" | "none";

/** What an evaluation does to the finding of its (resource, rule), given whether one is open. */
export function transitionOf(isOpen: boolean, evaluation: Pick<RuleEvaluation, "verdict">): FindingTransition {
  if (evaluation.verdict === "firing") return isOpen ? "stay" : "open";
  if (evaluation.verdict === "clear") return isOpen ? "resolve" : "none";
  return "none";
}

/** Two hours of 5-minute datapoints: enough to show an episode, small enough to store on every update. */
export const MAX_EVIDENCE_POINTS = 24;

/** Merges new evidence into old: one point per (metric, timestamp), oldest first, the newest MAX_EVIDENCE_POINTS kept. */
export function mergeEvidence(existing: EvidencePoint[], fresh: EvidencePoint[]): EvidencePoint[] {
  const byKey = new Map<string, EvidencePoint>();
  for (const point of [...existing, ...fresh]) byKey.set(`${point.metric}@${point.timestamp.getTime()}`, point);
  return [...byKey.values()].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime()).slice(-MAX_EVIDENCE_POINTS);
}

export interface FindingChanges {
  toOpen: NewFinding[];
  /** Still open: lastSeenAt, severity, evidence and summary refreshed. */
  toUpdate: Finding[];
  toResolve: Finding[];
}

/** At most one finding is open per key. */
export const findingKey = (resourceId: string, ruleId: HealthRuleId) => `${resourceId}\u0000${ruleId}`;

/** The oldest of several open findings for one key is the real one; later ones are duplicates from a race. */
function byOpenedAt(a: Finding, b: Finding): number {
  return a.openedAt.getTime() - b.openedAt.getTime() || a.id.localeCompare(b.id);
}

/**
 * Turns one sweep's evaluations into changes to the findings on record,
 * keeping at most one open finding per (resource, rule):
 * - firing with none open → open; firing with one open → update;
 * - clear with one open → resolve;
 * - unknown, or no evaluation for an open finding → left as it is (a rule
 *   that could not run says nothing about whether the problem went away);
 * - several findings already open for one key (two sweeps raced) → the
 *   oldest is kept and takes the evaluation, the others are resolved.
 * Refuses resolved findings in `existingOpen` and two evaluations for one key: both are caller bugs.
 */
export function reconcileFindings(existingOpen: Finding[], evaluations: RuleEvaluation[], now: Date): FindingChanges {
  const changes: FindingChanges = { toOpen: [], toUpdate: [], toResolve: [] };
  const open = new Map<string, Finding>();
  for (const finding of [...existingOpen].sort(byOpenedAt)) {
    if (finding.status !== "open") throw new RangeError(`finding ${finding.id} is ${finding.status}, not open`);
    const key = findingKey(finding.resourceId, finding.ruleId);
    const kept = open.get(key);
    if (kept) {
      changes.toResolve.push({
        ...finding,
        status: "resolved",
        resolvedAt: now,
        resolution: `duplicate of ${kept.id}`,
      });
    } else {
      open.set(key, finding);
    }
  }

  const evaluated = new Set<string>();
  for (const evaluation of evaluations) {
    const key = findingKey(evaluation.resourceId, evaluation.ruleId);
    if (evaluated.has(key)) {
      throw new RangeError(`${evaluation.ruleId} was evaluated twice for resource ${evaluation.resourceId}`);
    }
    evaluated.add(key);
    const current = open.get(key);
    if (evaluation.verdict === "firing" && current) {
      changes.toUpdate.push({
        ...current,
        severity: evaluation.severity,
        evidence: mergeEvidence(current.evidence, evaluation.evidence),
        summary: evaluation.summary,
        lastSeenAt: now,
      });
    } else if (evaluation.verdict === "firing") {
      changes.toOpen.push({
        ruleId: evaluation.ruleId,
        resourceId: evaluation.resourceId,
        severity: evaluation.severity,
        status: "open",
        evidence: mergeEvidence([], evaluation.evidence),
        summary: evaluation.summary,
        openedAt: now,
        lastSeenAt: now,
        resolvedAt: null,
        resolution: null,
      });
    } else if (evaluation.verdict === "clear" && current) {
      changes.toResolve.push({ ...current, status: "resolved", resolvedAt: now, resolution: evaluation.summary });
    }
  }
  return changes;
}
