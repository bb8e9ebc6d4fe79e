import type { MetricPoint } from "../../cloud/cloudTypes.ts";

/** Number helpers for findings' and recommendations' summaries; internal to health, not exported from core. */

/** One decimal, no trailing `.0`: 91.25 → 91.3, 60 → 60. */
export const round1 = (value: number) => Math.round(value * 10) / 10;

export const peakOf = (points: readonly MetricPoint[]) => Math.max(...points.map((point) => point.value));
export const lowestOf = (points: readonly MetricPoint[]) => Math.min(...points.map((point) => point.value));
