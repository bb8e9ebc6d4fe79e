import { type FieldProblem, ValidationError } from "../../errors.ts";
import type { ResourceKind } from "../../inventory/types.ts";
import { SWEEP_PERIOD_SECONDS, SWEPT_METRIC_NAMES, sweptSeriesOf } from "../sweep/metricQueryPlan.ts";
import { type MetricSeriesQuery, SERIES_STATS, type SeriesStat } from "./dashboardReads.ts";

/** What a chart may ask for in one call: two weeks, 2,000 points. */
export const MAX_SERIES_RANGE_MS = 14 * 24 * 3600 * 1000;
export const MAX_SERIES_POINTS = 2000;
export const DEFAULT_SERIES_RANGE_MS = 24 * 3600 * 1000;
/** By default a chart has one point per stored sample. */
export const DEFAULT_SERIES_PERIOD_SECONDS = SWEEP_PERIOD_SECONDS;
/** Buckets are whole minutes, like CloudWatch periods. */
export const SERIES_PERIOD_STEP_SECONDS = 60;

export interface MetricSeriesRequest {
  name: string;
  stat?: string;
  from?: Date;
  to?: Date;
  period?: number;
}

const problem = (field: string, rule: string, message: string): FieldProblem => ({
  field,
  rule,
  message,
  in: "querystring",
});

const isValidDate = (date: Date | undefined) => date === undefined || !Number.isNaN(date.getTime());

/**
 * Turns a chart's request for one resource into the stored series to read and
 * how to bucket it: the default statistic is the one that matters for the
 * metric (the Minimum of FreeableMemory, the Maximum otherwise), the range
 * defaults to the 24 hours before `to` (default now). Every problem is named
 * by its query field; refuses with a ValidationError.
 */
export function planMetricSeries(
  resource: { id: string; kind: ResourceKind },
  request: MetricSeriesRequest,
  now: Date,
): MetricSeriesQuery {
  const problems: FieldProblem[] = [];
  const series = sweptSeriesOf(resource.kind).find((candidate) => candidate.metricName === request.name);
  if (!series) {
    problems.push(
      SWEPT_METRIC_NAMES.includes(request.name)
        ? problem("/name", "metric_kind", `sweeps do not store ${request.name} for a ${resource.kind}`)
        : problem("/name", "enum", `must be one of ${SWEPT_METRIC_NAMES.join(", ")}`),
    );
  }
  const stat = (request.stat ?? series?.stats[0] ?? "Maximum") as SeriesStat;
  if (!SERIES_STATS.includes(stat)) {
    problems.push(problem("/stat", "enum", `must be one of ${SERIES_STATS.join(", ")}`));
  } else if (series && !series.stats.includes(stat)) {
    problems.push(problem("/stat", "stat", `${series.metricName} is stored as ${series.stats.join(" and ")}`));
  }

  const period = request.period ?? DEFAULT_SERIES_PERIOD_SECONDS;
  if (!Number.isInteger(period) || period < SERIES_PERIOD_STEP_SECONDS || period % SERIES_PERIOD_STEP_SECONDS !== 0) {
    problems.push(problem("/period", "multipleOf", `must be a whole number of minutes (a multiple of 60 seconds)`));
  } else if (series && period < series.period) {
    problems.push(
      problem("/period", "minimum", `${series.metricName} is stored per ${series.period} s; ask for at least that`),
    );
  }

  if (!isValidDate(request.from)) problems.push(problem("/from", "format", "must be an ISO 8601 date-time"));
  if (!isValidDate(request.to)) problems.push(problem("/to", "format", "must be an ISO 8601 date-time"));
  const to = request.to ?? now;
  const from = request.from ?? new Date(to.getTime() - DEFAULT_SERIES_RANGE_MS);
  const rangeMs = to.getTime() - from.getTime();
  if (isValidDate(from) && isValidDate(to)) {
    if (rangeMs <= 0) {
      problems.push(problem("/from", "range", `must be before to (${to.toISOString()})`));
    } else if (rangeMs > MAX_SERIES_RANGE_MS) {
      problems.push(problem("/from", "maxRange", "from and to must be at most 14 days apart"));
    } else if (
      problems.every((p) => p.field !== "/period") &&
      Math.ceil(rangeMs / (period * 1000)) > MAX_SERIES_POINTS
    ) {
      problems.push(
        problem(
          "/period",
          "maxPoints",
          `${Math.ceil(rangeMs / (period * 1000))} points from ${from.toISOString()} to ${to.toISOString()}; ` +
            `at most ${MAX_SERIES_POINTS}: choose a longer period or a shorter range`,
        ),
      );
    }
  }

  if (problems.length > 0 || !series) throw new ValidationError(problems, "invalid_metric_query");
  return {
    resourceId: resource.id,
    metric: series.metricName,
    stat,
    storedPeriod: series.period,
    period,
    from,
    to,
  };
}
