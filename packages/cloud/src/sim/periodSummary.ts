/**
 * One period's samples, summed up as they are taken. Every statistic the
 * simulated GetMetricData serves comes from these four numbers, so a period
 * never holds its samples: a sweep of a large fleet takes millions of them.
 */
export class PeriodSummary {
  count = 0;
  /** Added in the order the samples are taken, so an Average is the same sum a list of them would give. */
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(readonly start: number) {}

  add(value: number): void {
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/**
 * A source's values published at one instant, added to the period they fall
 * in: one per in-service instance under a group dimension, one for a single
 * resource, none when nothing publishes then.
 */
export type Sampler = (time: number, into: PeriodSummary) => void;
