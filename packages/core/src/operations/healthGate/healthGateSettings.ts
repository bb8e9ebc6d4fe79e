import { type Static, Type } from "typebox";

/**
 * The thresholds a deploy's health gate holds the site to, each bounded; what
 * a request leaves out takes the default. `healthGate: false` turns the gate
 * off for one deploy (kept in the operation's params, its plan and its events).
 */
export const HealthGateThresholds = Type.Object(
  {
    /** The share of requests answered 5xx (HTTPCode_Target_5XX_Count / RequestCount) above which the deploy is rolled back. */
    max5xxRatio: Type.Optional(Type.Number({ minimum: 0.001, maximum: 0.5 })),
    /** How far the average TargetResponseTime may rise above the baseline, in percent. */
    maxLatencyIncreasePercent: Type.Optional(Type.Integer({ format: "int32", minimum: 10, maximum: 1000 })),
    /** How long more targets than at the baseline may stay unhealthy (a rolling deploy replaces some for a while). */
    unhealthyTargetGraceMinutes: Type.Optional(Type.Integer({ format: "int32", minimum: 0, maximum: 60 })),
    /** How long the site is watched after the deploy stage succeeded; at most an hour, so the deploy's 120-minute deadline leaves an hour for the pipeline. */
    bakeMinutes: Type.Optional(Type.Integer({ format: "int32", minimum: 0, maximum: 60 })),
  },
  { additionalProperties: false },
);
export type HealthGateThresholdsParams = Static<typeof HealthGateThresholds>;

export const HealthGateField = Type.Optional(
  Type.Union([Type.Literal(false), HealthGateThresholds], {
    description: "The deploy's health gate: thresholds (each optional), or false to deploy without one (audited)",
  }),
);

export type ResolvedThresholds = Required<HealthGateThresholdsParams>;

export const HEALTH_GATE_DEFAULTS: ResolvedThresholds = {
  max5xxRatio: 0.05,
  maxLatencyIncreasePercent: 100,
  unhealthyTargetGraceMinutes: 5,
  bakeMinutes: 10,
};

/** A rise in latency smaller than this is noise whatever the percentage: a 40 ms baseline doubling is not an outage. */
export const LATENCY_NOISE_FLOOR_MS = 50;

/** The request's thresholds with defaults filled in; null when the request turned the gate off. */
export function resolveThresholds(gate: false | HealthGateThresholdsParams | undefined): ResolvedThresholds | null {
  if (gate === false) return null;
  return { ...HEALTH_GATE_DEFAULTS, ...gate };
}
