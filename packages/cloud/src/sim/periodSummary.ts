import { minuteKey } from "./loadModel.ts";
import { MINUTE } from "./simTime.ts";

/** Enough samples per period for a faithful Maximum without making day-long periods slow. */
const MAX_SAMPLES_PER_PERIOD = 30;

/**
 * The instants a query's periods are sampled at: one a minute (the agent's and
 * RDS's reporting interval), fewer for long periods, only up to now. Every
 * query of a call with the same period shares one grid, so the instants and
 * their minute keys are worked out once per call, not once per query.
 */
export interface SampleGrid {
  /** Start of each period in [start, end) that has begun by now; CloudWatch rounds the start down to a period boundary. */
  periodStarts: number[];
  /** The indexes of `periodStarts`, to map over. */
  periods: number[];
  /**
   * Each period's start as a Date, made once per grid: the answer's points share them rather than carry
   * a Date each (a sweep's call returns thousands of points over the same dozen periods).
   */
  periodDates: Date[];
  times: Float64Array;
  /** Which of `periodStarts` each instant falls in. */
  periodOf: Int32Array;
  /** Each instant's `minuteKey`, for the per-minute noise of every instance sampled then. */
  minutes: string[];
}

export function sampleGrid(now: number, periodSeconds: number, start: number, end: number): SampleGrid {
  const periodMs = periodSeconds * 1000;
  const stepMs = Math.max(MINUTE, Math.ceil(periodMs / MAX_SAMPLES_PER_PERIOD / MINUTE) * MINUTE);
  const periodStarts: number[] = [];
  const times: number[] = [];
  const periodOf: number[] = [];
  for (let periodStart = Math.floor(start / periodMs) * periodMs; periodStart < end; periodStart += periodMs) {
    if (periodStart > now) break;
    const periodEnd = Math.min(periodStart + periodMs, now + 1);
    for (let time = periodStart; time < periodEnd; time += stepMs) {
      times.push(time);
      periodOf.push(periodStarts.length);
    }
    periodStarts.push(periodStart);
  }
  return {
    periodStarts,
    periods: periodStarts.map((_, period) => period),
    periodDates: periodStarts.map((periodStart) => new Date(periodStart)),
    times: Float64Array.from(times),
    periodOf: Int32Array.from(periodOf),
    minutes: times.map(minuteKey),
  };
}

/**
 * Each period's samples, summed up as they are taken. Every statistic the
 * simulated GetMetricData serves comes from these four numbers, so no period
 * holds its samples: a sweep of a large fleet takes millions of them. One set
 * serves every source of a grid in turn (`clear` between them): a sweep has
 * tens of thousands of sources, and typed arrays are not cheap to make.
 */
export class PeriodSummaries {
  readonly count: Int32Array;
  /** Added in the order the samples are taken, so an Average is the same sum a list of them would give. */
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;

  constructor(periods: number) {
    this.count = new Int32Array(periods);
    this.sum = new Float64Array(periods);
    this.min = new Float64Array(periods);
    this.max = new Float64Array(periods);
    this.clear();
  }

  clear(): void {
    this.count.fill(0);
    this.sum.fill(0);
    this.min.fill(Number.POSITIVE_INFINITY);
    this.max.fill(Number.NEGATIVE_INFINITY);
  }

  add(period: number, value: number): void {
    this.count[period] = (this.count[period] as number) + 1;
    this.sum[period] = (this.sum[period] as number) + value;
    if (value < (this.min[period] as number)) this.min[period] = value;
    if (value > (this.max[period] as number)) this.max[period] = value;
  }
}

/**
 * Samples one source at every instant of a grid, in order, adding each value
 * to its period: one per in-service instance under a group dimension, one for
 * a single resource, none at an instant when nothing publishes.
 */
export type Sampler = (grid: SampleGrid, into: PeriodSummaries) => void;

/** The sampler of a source that publishes at most one value an instant: `valueAt` returns null when it publishes none. */
export const eachInstant =
  (valueAt: (time: number) => number | null): Sampler =>
  (grid, into) => {
    for (let i = 0; i < grid.times.length; i += 1) {
      const value = valueAt(grid.times[i] as number);
      if (value !== null) into.add(grid.periodOf[i] as number, value);
    }
  };
