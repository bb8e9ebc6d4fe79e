import type { MetricPoint } from "../../cloud/cloudTypes.ts";
import type { EvidencePoint, Finding, FindingSeverity, HealthRuleId, RuleEvaluation } from "./findingTypes.ts";

/**
 * A threshold with hysteresis, for metrics that cross it briefly in normal
 * operation: it opens on a sustained breach or a single severe one, and
 * resolves only after a sustained return to a level clearly below the
 * trigger, so a metric hovering near the trigger neither flaps nor resolves.
 */
export interface SustainedThreshold {
  /** A period in breach; `sustainedPeriods` of them in a row open a warning. */
  breaches(value: number): boolean;
  sustainedPeriods: number;
  /** A single period this bad opens a critical finding, or escalates an open one. */
  isCritical(value: number): boolean;
  /** A period clearly healthy; `clearPeriods` of them in a row resolve. */
  isClear(value: number): boolean;
  clearPeriods: number;
  /** The metric's period: a missing period breaks a run, since nobody knows what happened in it. */
  periodSeconds: number;
}

export interface ThresholdState {
  open: boolean;
  /** While open: warning or critical. Only rises while open; a new episode starts again from its trigger. */
  severity: Extract<FindingSeverity, "warning" | "critical"> | null;
  /** The points that opened or escalated it within this window (empty when it was already open and nothing rose). */
  triggeredBy: MetricPoint[];
  /** The run that resolved it, when it resolved within this window. */
  clearedBy: MetricPoint[];
}

/** Up to 1.5 periods apart is the next period (timestamp jitter); further apart, a period is missing. */
const isNextPeriod = (previous: MetricPoint | undefined, point: MetricPoint, periodSeconds: number) =>
  previous === undefined || point.timestamp.getTime() - previous.timestamp.getTime() <= periodSeconds * 1500;

/**
 * Replays a window of datapoints through the threshold, starting from the
 * finding's state on record (open with a severity, or not open), and returns
 * the state at the end of the window. Replaying from the recorded state makes
 * overlapping windows harmless: a run already counted leads to the same state.
 */
export function followThreshold(
  points: readonly MetricPoint[],
  initial: { severity: FindingSeverity } | null,
  threshold: SustainedThreshold,
): ThresholdState {
  const state: ThresholdState = {
    open: initial !== null,
    severity: initial === null ? null : initial.severity === "critical" ? "critical" : "warning",
    triggeredBy: [],
    clearedBy: [],
  };
  let breachRun: MetricPoint[] = [];
  let clearRun: MetricPoint[] = [];
  let previous: MetricPoint | undefined;
  const ordered = [...points].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  for (const point of ordered) {
    if (!isNextPeriod(previous, point, threshold.periodSeconds)) {
      breachRun = [];
      clearRun = [];
    }
    previous = point;
    breachRun = threshold.breaches(point.value) || threshold.isCritical(point.value) ? [...breachRun, point] : [];
    clearRun = threshold.isClear(point.value) ? [...clearRun, point] : [];

    if (state.open) {
      if (threshold.isCritical(point.value)) {
        state.severity = "critical";
        state.triggeredBy.push(point);
      }
      if (clearRun.length >= threshold.clearPeriods) {
        state.open = false;
        state.severity = null;
        state.triggeredBy = [];
        state.clearedBy = clearRun;
        breachRun = [];
        clearRun = [];
      }
    } else if (threshold.isCritical(point.value) || breachRun.length >= threshold.sustainedPeriods) {
      state.open = true;
      state.severity = threshold.isCritical(point.value) ? "critical" : "warning";
      state.triggeredBy = [...breachRun];
      state.clearedBy = [];
    }
  }
  return state;
}

export const toEvidence = (
  points: readonly MetricPoint[],
  metric: string,
  unit: EvidencePoint["unit"],
): EvidencePoint[] => points.map((point) => ({ metric, unit, timestamp: point.timestamp, value: point.value }));

/** The sentences a rule's summary is made of; each rule words them with its own numbers. */
export interface ThresholdWording {
  /** Open after this window: why, given the state (its triggers) and the whole window (for the peak). */
  firing(state: ThresholdState, window: readonly MetricPoint[]): string;
  /** Resolved by this run of healthy periods. */
  cleared(clearedBy: readonly MetricPoint[]): string;
  /** Not open and nothing to open. */
  healthy(window: readonly MetricPoint[]): string;
  /** No datapoints at all. */
  noData(): string;
}

export interface ThresholdRuleInput {
  ruleId: HealthRuleId;
  resourceId: string;
  metric: string;
  unit: EvidencePoint["unit"];
  points: readonly MetricPoint[];
  /** The open finding of this (resource, rule), if any. */
  open: Pick<Finding, "severity"> | null;
  threshold: SustainedThreshold;
  wording: ThresholdWording;
}

/** Evaluates a sustained-threshold rule over one window: the shared part of every metric rule. */
export function evaluateThreshold(input: ThresholdRuleInput): RuleEvaluation {
  const { ruleId, resourceId } = input;
  // No data says nothing either way: an open finding must not resolve because the metric went quiet.
  if (input.points.length === 0)
    return { verdict: "unknown", ruleId, resourceId, evidence: [], summary: input.wording.noData() };
  const state = followThreshold(input.points, input.open, input.threshold);
  if (state.open && state.severity) {
    return {
      verdict: "firing",
      ruleId,
      resourceId,
      severity: state.severity,
      evidence: toEvidence(state.triggeredBy, input.metric, input.unit),
      summary: input.wording.firing(state, input.points),
    };
  }
  return {
    verdict: "clear",
    ruleId,
    resourceId,
    evidence: toEvidence(state.clearedBy, input.metric, input.unit),
    summary: state.clearedBy.length > 0 ? input.wording.cleared(state.clearedBy) : input.wording.healthy(input.points),
  };
}
