import {
  type MetricDataRequest,
  type MetricDataResult,
  type MetricPoint,
  type MetricQuery,
  type MetricSeries,
  type MetricStatistic,
  planMetricBatches,
} from "@fastier/core";
import { PeriodSummaries, type SampleGrid, sampleGrid } from "./periodSummary.ts";
import { SharedLoads } from "./sharedLoads.ts";
import { simError } from "./simErrors.ts";
import { samplerFor } from "./simMetricSources.ts";
import type { SimWorld } from "./simState.ts";
import { indexWorld } from "./worldIndex.ts";

/**
 * CloudWatch GetMetricData over the simulated account. Each period's value is
 * the statistic over one-minute samples of the load model (the agent's and
 * RDS's reporting interval), taken only up to now: the future has no data.
 */

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

export function getMetricData(world: SimWorld, now: number, request: MetricDataRequest): MetricDataResult {
  const start = request.start.getTime();
  const end = request.end.getTime();
  if (!(start < end)) {
    throw simError(
      "invalid_request",
      "monitoring",
      "InvalidParameterValue",
      "The parameter StartTime must be less than the parameter EndTime.",
    );
  }
  for (const query of request.queries) validateQuery(query);
  let batches: MetricQuery[][];
  try {
    batches = planMetricBatches(request.queries, request.start, request.end);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw simError("invalid_request", "monitoring", "ValidationError", error.message);
  }
  const index = indexWorld(world);
  // Per period: the instants sampled, and the summaries every source sampled at them fills in turn.
  const grids = new Map<number, { grid: SampleGrid; summaries: PeriodSummaries }>();
  const gridOf = (period: number) => {
    let found = grids.get(period);
    if (!found) {
      const grid = sampleGrid(now, period, start, end);
      found = { grid, summaries: new PeriodSummaries(grid.periodStarts.length) };
      grids.set(period, found);
    }
    return found;
  };
  const loads = new SharedLoads();
  const series: MetricSeries[] = new Array(request.queries.length);
  // A metric's Maximum and Average come from the same samples: each source is sampled once per call.
  const queryAt = (position: number) => request.queries[position] as MetricQuery;
  for (const positions of queriesBySource(request.queries).values()) {
    const first = queryAt(positions[0] as number);
    const sampler = samplerFor(world, index, loads, first);
    const { grid, summaries } = gridOf(first.period);
    summaries.clear();
    if (sampler) sampler(grid, summaries);
    const filled = grid.periods.filter((period) => (summaries.count[period] as number) > 0);
    for (const position of positions) {
      const query = queryAt(position);
      series[position] = new SimSeries(query.id, pointsOf(query.stat, filled, grid, summaries));
    }
  }
  return { series, calls: batches.length };
}

function validateQuery(query: MetricQuery) {
  if (!QUERY_ID.test(query.id)) {
    throw simError(
      "invalid_request",
      "monitoring",
      "ValidationError",
      `The value ${query.id} for parameter MetricDataQueries.member.Id is invalid: it must start with a lower-case letter and contain only letters, digits and underscores.`,
    );
  }
  if (!Number.isInteger(query.period) || query.period <= 0 || query.period % 60 !== 0) {
    throw simError(
      "invalid_request",
      "monitoring",
      "ValidationError",
      `The value ${query.period} for parameter MetricDataQueries.member.MetricStat.Period must be a multiple of 60.`,
    );
  }
}

/**
 * The positions of the queries (where each one's series goes in the answer), grouped by what they read:
 * namespace, metric, dimensions and period. Positions rather than an object per query: the groups live
 * for the whole call.
 */
function queriesBySource(queries: MetricQuery[]): Map<string, number[]> {
  const bySource = new Map<string, number[]>();
  queries.forEach((query, position) => {
    const key = sourceKey(query);
    const positions = bySource.get(key);
    if (positions) positions.push(position);
    else bySource.set(key, [position]);
  });
  return bySource;
}

const part = (text: string) => `${text.length}:${text}`;

/**
 * Each part prefixed with its length, so no two sources share a key whatever
 * their names hold; cheaper than JSON for the thousands of queries a sweep sends.
 */
function sourceKey(query: MetricQuery): string {
  let key = `${part(query.namespace)}${part(query.metricName)}${query.period}|`;
  const names = Object.keys(query.dimensions);
  if (names.length > 1) names.sort();
  for (const name of names) key += part(name) + part(query.dimensions[name] as string);
  return key;
}

/**
 * A series and its points are made by constructors, not object literals. A call makes thousands of them
 * and all live until it returns, so V8 soon judges a literal's objects long-lived and allocates them
 * straight in old space (allocation-site pretenuring): a large fleet's sweep then leaves hundreds of
 * megabytes there for full collections to find, and the process's peak memory grows with it. A class's
 * objects always start young and die young once the sweep has read them.
 */
class SimSeries implements MetricSeries {
  readonly complete = true;
  constructor(
    readonly id: string,
    readonly points: MetricPoint[],
  ) {}
}

class SimPoint implements MetricPoint {
  constructor(
    readonly timestamp: Date,
    readonly value: number,
  ) {}
}

/**
 * One point per period that has samples (`filled`); a period without any is left out, as CloudWatch leaves
 * it out. The timestamps are the grid's, shared by every series of the call.
 */
function pointsOf(
  stat: MetricStatistic,
  filled: number[],
  grid: SampleGrid,
  summaries: PeriodSummaries,
): MetricPoint[] {
  return filled.map((period) => new SimPoint(grid.periodDates[period] as Date, statistic(stat, summaries, period)));
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function statistic(stat: MetricStatistic, summaries: PeriodSummaries, period: number): number {
  const count = summaries.count[period] as number;
  switch (stat) {
    case "Average":
      return round((summaries.sum[period] as number) / count);
    case "Maximum":
      return round(summaries.max[period] as number);
    case "Minimum":
      return round(summaries.min[period] as number);
    case "Sum":
      return round(summaries.sum[period] as number);
    case "SampleCount":
      return count;
  }
}
