import { type Static, Type } from "typebox";
import type { GateReadingValue } from "./gateSignals.ts";
import { LATENCY_NOISE_FLOOR_MS, type ResolvedThresholds } from "./healthGateSettings.ts";

/** What breached, with its numbers: kept in the operation's state, events and result. */
export const GateBreach = Type.Object({
  signal: Type.Union([
    Type.Literal("error_rate"),
    Type.Literal("latency"),
    Type.Literal("unhealthy_targets"),
    Type.Literal("environment_health"),
  ]),
  message: Type.String({ maxLength: 500 }),
  observed: Type.Union([Type.Number(), Type.String({ maxLength: 20 })]),
  threshold: Type.Union([Type.Number(), Type.String({ maxLength: 20 })]),
  baseline: Type.Union([Type.Number(), Type.String({ maxLength: 20 }), Type.Null()]),
  at: Type.String({ maxLength: 40 }),
  /**
   * Where the deploy was: while its deploy stage ran, or while baking after it; for a blue/green
   * deploy, the green environment judged before the swap, or the live one watched in the drain.
   */
  during: Type.Union([Type.Literal("deploy"), Type.Literal("bake"), Type.Literal("green"), Type.Literal("drain")]),
});
export type GateBreachValue = Static<typeof GateBreach>;

export interface Judgement {
  breach: GateBreachValue | null;
  /** Since when more targets than at the baseline are unhealthy (ISO 8601); null when not. */
  unhealthySince: string | null;
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;

/** Whether a reading breaches the thresholds, in the order a user would look: errors, latency, targets, Beanstalk. */
export function judgeReading(
  thresholds: ResolvedThresholds,
  baseline: GateReadingValue,
  reading: GateReadingValue,
  unhealthySince: string | null,
  during: GateBreachValue["during"],
): Judgement {
  const at = reading.at;
  const breach = (fields: Omit<GateBreachValue, "at" | "during">): GateBreachValue => ({ ...fields, at, during });
  const moreUnhealthy = reading.unhealthyTargets > baseline.unhealthyTargets;
  const since = moreUnhealthy ? (unhealthySince ?? at) : null;

  if (reading.ratio5xx !== null && reading.ratio5xx > thresholds.max5xxRatio) {
    return {
      unhealthySince: since,
      breach: breach({
        signal: "error_rate",
        message: `5xx ratio ${percent(reading.ratio5xx)} (${reading.errors5xx} of ${reading.requests} requests in ${reading.windowMinutes} min) is over the ${percent(thresholds.max5xxRatio)} allowed; baseline ${baseline.ratio5xx === null ? "no traffic" : percent(baseline.ratio5xx)}`,
        observed: reading.ratio5xx,
        threshold: thresholds.max5xxRatio,
        baseline: baseline.ratio5xx,
      }),
    };
  }
  if (reading.latencyMs !== null && baseline.latencyMs !== null) {
    const limit = baseline.latencyMs * (1 + thresholds.maxLatencyIncreasePercent / 100);
    if (reading.latencyMs > limit && reading.latencyMs - baseline.latencyMs >= LATENCY_NOISE_FLOOR_MS) {
      return {
        unhealthySince: since,
        breach: breach({
          signal: "latency",
          message: `average response time ${reading.latencyMs} ms is over ${Math.round(limit)} ms (baseline ${baseline.latencyMs} ms + ${thresholds.maxLatencyIncreasePercent}%)`,
          observed: reading.latencyMs,
          threshold: Math.round(limit),
          baseline: baseline.latencyMs,
        }),
      };
    }
  }
  if (since !== null) {
    const minutes = (Date.parse(at) - Date.parse(since)) / 60_000;
    if (minutes >= thresholds.unhealthyTargetGraceMinutes) {
      return {
        unhealthySince: since,
        breach: breach({
          signal: "unhealthy_targets",
          message: `${reading.unhealthyTargets} targets unhealthy (baseline ${baseline.unhealthyTargets}) for ${Math.round(minutes)} min, over the ${thresholds.unhealthyTargetGraceMinutes} min grace`,
          observed: reading.unhealthyTargets,
          threshold: baseline.unhealthyTargets,
          baseline: baseline.unhealthyTargets,
        }),
      };
    }
  }
  if (reading.environmentHealth === "Red" && baseline.environmentHealth !== "Red") {
    return {
      unhealthySince: since,
      breach: breach({
        signal: "environment_health",
        message: `Elastic Beanstalk reports the environment Red (baseline ${baseline.environmentHealth ?? "unknown"})`,
        observed: "Red",
        threshold: "not Red",
        baseline: baseline.environmentHealth,
      }),
    };
  }
  return { breach: null, unhealthySince: since };
}
