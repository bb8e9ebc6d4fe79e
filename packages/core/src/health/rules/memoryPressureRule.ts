import type { MetricPoint, MetricSeries } from "../../cloud/cloudTypes.ts";
import type { Resource } from "../../inventory/types.ts";
import type { Finding, RuleEvaluation } from "./findingTypes.ts";
import { peakOf, round1 } from "./summaryNumbers.ts";
import { evaluateThreshold, type SustainedThreshold } from "./sustainedThreshold.ts";

/** What the sweep asks CloudWatch for: the worst instance per 5-minute period, as Compute Optimizer reads memory. */
export const MEMORY_METRIC = {
  namespace: "CWAgent",
  metricName: "mem_used_percent",
  stat: "Maximum",
  periodSeconds: 300,
} as const;

export interface MemoryPressureThresholds {
  /** Warning when every one of `sustainedPeriods` periods in a row is at or above this. */
  warningPercent: number;
  sustainedPeriods: number;
  /** Critical when any single period is at or above this: the OOM killer is near. */
  criticalPercent: number;
  /** Resolves only after `clearPeriods` periods in a row strictly below this. */
  clearPercent: number;
  clearPeriods: number;
  periodSeconds: number;
}

/**
 * 85% for 15 minutes is a sustained squeeze, not a garbage-collection blip;
 * 95% in one period leaves too little for a traffic burst. Resolving under
 * 75% (10 points below the trigger) for 15 minutes keeps a group hovering
 * around 85% from opening and resolving on alternate sweeps.
 */
export const MEMORY_PRESSURE_DEFAULTS: Readonly<MemoryPressureThresholds> = {
  warningPercent: 85,
  sustainedPeriods: 3,
  criticalPercent: 95,
  clearPercent: 75,
  clearPeriods: 3,
  periodSeconds: MEMORY_METRIC.periodSeconds,
};

export interface MemoryPressureInput {
  /** An Auto Scaling group or an instance. */
  resource: Pick<Resource, "id" | "name">;
  /** 5-minute Maximum of `mem_used_percent`, oldest first; a window of at least 6 periods lets runs span sweeps. */
  points: readonly MetricPoint[];
  /** The open memory-pressure finding of this resource, if any. */
  open: Pick<Finding, "severity"> | null;
  thresholds?: Partial<MemoryPressureThresholds>;
}

function checkedThresholds(overrides: Partial<MemoryPressureThresholds> = {}): MemoryPressureThresholds {
  const t = { ...MEMORY_PRESSURE_DEFAULTS, ...overrides };
  const runsValid = [t.sustainedPeriods, t.clearPeriods].every((n) => Number.isInteger(n) && n >= 1);
  if (
    !(t.clearPercent < t.warningPercent && t.warningPercent <= t.criticalPercent) ||
    !runsValid ||
    t.periodSeconds <= 0
  ) {
    throw new RangeError(
      `memory thresholds need clear < warning ≤ critical and whole runs ≥ 1: got clear ${t.clearPercent}, warning ${t.warningPercent}, critical ${t.criticalPercent}`,
    );
  }
  return t;
}

const percent = (value: number) => `${round1(value)}%`;

/**
 * Memory pressure on one group or instance: open, keep or resolve its finding
 * from the latest window of datapoints and whether a finding is open now.
 * Severity only rises while open (a critical episode stays critical until it
 * resolves); the evidence is the datapoints that opened or escalated it.
 */
export function evaluateMemoryPressure(input: MemoryPressureInput): RuleEvaluation {
  const t = checkedThresholds(input.thresholds);
  const name = input.resource.name;
  const threshold: SustainedThreshold = {
    breaches: (value) => value >= t.warningPercent,
    sustainedPeriods: t.sustainedPeriods,
    isCritical: (value) => value >= t.criticalPercent,
    isClear: (value) => value < t.clearPercent,
    clearPeriods: t.clearPeriods,
    periodSeconds: t.periodSeconds,
  };
  const minutes = (periods: number) => (periods * t.periodSeconds) / 60;
  return evaluateThreshold({
    ruleId: "memory_pressure",
    resourceId: input.resource.id,
    metric: MEMORY_METRIC.metricName,
    unit: "Percent",
    points: input.points,
    open: input.open,
    threshold,
    wording: {
      firing: (state, window) =>
        state.severity === "critical"
          ? `${name}: memory reached ${percent(peakOf(state.triggeredBy.length > 0 ? state.triggeredBy : window))} (critical at ${t.criticalPercent}%): close to exhaustion; window peak ${percent(peakOf(window))}`
          : `${name}: memory at or above ${t.warningPercent}% for ${t.sustainedPeriods} periods in a row (${minutes(t.sustainedPeriods)} min); window peak ${percent(peakOf(window))}; resolves after ${t.clearPeriods} periods under ${t.clearPercent}%`,
      cleared: (clearedBy) =>
        `${name}: memory under ${t.clearPercent}% for ${t.clearPeriods} periods in a row (${clearedBy.map((p) => percent(p.value)).join(", ")})`,
      healthy: (window) => `${name}: no memory pressure; window peak ${percent(peakOf(window))}`,
      noData: () => `${name}: no ${MEMORY_METRIC.metricName} datapoints in this window`,
    },
  });
}

export interface MemoryMetricsInput {
  resource: Pick<Resource, "id" | "name">;
  /** The group's `mem_used_percent` series over the sweep's window. */
  series: Pick<MetricSeries, "points" | "complete" | "message">;
  /** Instances in service over the whole window; a new instance needs a few minutes before the agent reports. */
  inServiceInstances: number;
}

/**
 * "Memory metrics missing": a group with instances in service and not one
 * `mem_used_percent` datapoint. EC2 does not report memory by itself; without
 * the CloudWatch agent, memory pressure (Fastier's known failure) is invisible.
 * A failed or partial CloudWatch answer proves nothing, so it leaves the finding alone.
 */
export function evaluateMemoryMetricsMissing(input: MemoryMetricsInput): RuleEvaluation {
  const base = { ruleId: "memory_metrics_missing" as const, resourceId: input.resource.id, evidence: [] };
  const name = input.resource.name;
  if (input.series.points.length > 0) {
    return { ...base, verdict: "clear", summary: `${name}: ${MEMORY_METRIC.metricName} is reported` };
  }
  if (!input.series.complete) {
    const why = input.series.message ? `: ${input.series.message}` : "";
    return { ...base, verdict: "unknown", summary: `${name}: CloudWatch did not return memory data${why}` };
  }
  if (input.inServiceInstances === 0) {
    return { ...base, verdict: "clear", summary: `${name}: no instances in service, no memory data expected` };
  }
  return {
    ...base,
    verdict: "firing",
    severity: "warning",
    summary: `${name}: ${input.inServiceInstances} instance(s) in service but no ${MEMORY_METRIC.namespace} ${MEMORY_METRIC.metricName} datapoints: install and start the CloudWatch agent, or memory exhaustion goes unseen`,
  };
}
