import type { MetricQuery } from "./cloudTypes.ts";

/** CloudWatch GetMetricData limits per call. */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/** Datapoints one query can return over [start, end) at its period. */
export function datapointsOf(query: MetricQuery, start: Date, end: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 1000 / query.period));
}

/**
 * Splits queries into calls that respect both limits: at most 500 queries and
 * at most 100,800 datapoints each. Order is kept, so the number of calls is the
 * minimum for that order (ceil(queries / 500) when the window is short).
 * A single query over the datapoint limit is refused: the window is too long
 * for its period and the caller must shorten it.
 */
export function planMetricBatches(queries: MetricQuery[], start: Date, end: Date): MetricQuery[][] {
  return [...metricBatchesOf(queries, start, end)];
}

/**
 * The batches of `planMetricBatches`, each one made when it is asked for: a caller that fetches a batch
 * before asking for the next never holds more than one batch of query objects.
 */
export function* metricBatchesOf(queries: Iterable<MetricQuery>, start: Date, end: Date): Generator<MetricQuery[]> {
  const ids = new Set<string>();
  let current: MetricQuery[] = [];
  let points = 0;
  for (const query of queries) {
    if (ids.has(query.id)) throw new RangeError(`metric query id ${query.id} is used twice`);
    ids.add(query.id);
    const cost = datapointsOf(query, start, end);
    if (cost > MAX_DATAPOINTS_PER_CALL) {
      throw new RangeError(
        `metric query ${query.id} would return ${cost} datapoints, over the ${MAX_DATAPOINTS_PER_CALL} a call allows; shorten the window or raise the period`,
      );
    }
    if (current.length === MAX_QUERIES_PER_CALL || points + cost > MAX_DATAPOINTS_PER_CALL) {
      yield current;
      current = [];
      points = 0;
    }
    current.push(query);
    points += cost;
  }
  if (current.length > 0) yield current;
}
