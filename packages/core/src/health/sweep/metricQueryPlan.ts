import type { MetricQuery, MetricStatistic } from "../../cloud/cloudTypes.ts";
import type { Resource, ResourceKind } from "../../inventory/types.ts";

/** Five-minute periods: what the memory rules count in (and CloudWatch agent's usual resolution). */
export const SWEEP_PERIOD_SECONDS = 300;

/** Which series of which resource a query asks for, so results can be filed back. */
export interface MetricSubject {
  resourceId: string;
  namespace: string;
  metricName: string;
  stat: MetricStatistic;
  period: number;
}

/** The queries of a sweep and, at the same index, what each asks for. */
export interface SweepQueryPlan {
  queries: MetricQuery[];
  subjects: MetricSubject[];
}

// CloudWatch ids start with a lower-case letter; the query's index keeps them unique and short.
const QUERY_ID_PREFIX = "m";

/** Where a query of a plan sits in it (and in its subjects), read back from the query's id. */
export function queryIndexOf(query: MetricQuery): number {
  return Number(query.id.slice(QUERY_ID_PREFIX.length));
}

interface SeriesSpec {
  namespace: string;
  metricName: string;
  stats: MetricStatistic[];
  period?: number;
}

const EC2_SERIES: SeriesSpec[] = [
  { namespace: "CWAgent", metricName: "mem_used_percent", stats: ["Maximum", "Average"] },
  { namespace: "AWS/EC2", metricName: "CPUUtilization", stats: ["Maximum", "Average"] },
];

const RDS_SERIES: SeriesSpec[] = [
  // Low memory is the risk, so the Minimum matters more than the Maximum.
  { namespace: "AWS/RDS", metricName: "FreeableMemory", stats: ["Minimum", "Average"] },
  // RDS publishes lag every minute; the lag rule counts one-minute periods.
  { namespace: "AWS/RDS", metricName: "ReplicaLag", stats: ["Maximum"], period: 60 },
  { namespace: "AWS/RDS", metricName: "DatabaseConnections", stats: ["Maximum", "Average"] },
  { namespace: "AWS/RDS", metricName: "CPUUtilization", stats: ["Maximum", "Average"] },
];

const SERIES_BY_KIND: Partial<Record<ResourceKind, SeriesSpec[]>> = {
  auto_scaling_group: EC2_SERIES,
  instance: EC2_SERIES,
  db_instance: RDS_SERIES,
};

/** One series a sweep stores: a metric with the statistics kept and the period they are kept at. */
export interface SweptSeries {
  metricName: string;
  stats: readonly MetricStatistic[];
  period: number;
}

/** The series sweeps store for a kind of resource (ReplicaLag only while a DB instance is a replica). */
export function sweptSeriesOf(kind: ResourceKind): SweptSeries[] {
  return (SERIES_BY_KIND[kind] ?? []).map((spec) => ({
    metricName: spec.metricName,
    stats: spec.stats,
    period: spec.period ?? SWEEP_PERIOD_SECONDS,
  }));
}

/** Every metric name a sweep stores, for any kind. */
export const SWEPT_METRIC_NAMES: readonly string[] = [
  ...new Set([...EC2_SERIES, ...RDS_SERIES].map((spec) => spec.metricName)),
];

function seriesFor(resource: Resource): { specs: SeriesSpec[]; dimensions: Record<string, string> } | null {
  switch (resource.kind) {
    case "auto_scaling_group":
      return { specs: EC2_SERIES, dimensions: { AutoScalingGroupName: resource.cloudId } };
    case "instance":
      return { specs: EC2_SERIES, dimensions: { InstanceId: resource.cloudId } };
    case "db_instance":
      return {
        specs: RDS_SERIES.filter((spec) => spec.metricName !== "ReplicaLag" || resource.database?.role === "replica"),
        dimensions: { DBInstanceIdentifier: resource.cloudId },
      };
    default:
      return null;
  }
}

/**
 * The CloudWatch queries a sweep makes for an inventory: memory and CPU per
 * Auto Scaling group and per instance, and memory, lag, connections and CPU
 * per RDS instance. Resources that are gone are left out.
 */
export function sweepQueries(resources: Resource[]): SweepQueryPlan {
  const queries: MetricQuery[] = [];
  const subjects: MetricSubject[] = [];
  for (const resource of resources) {
    if (resource.status === "gone") continue;
    const series = seriesFor(resource);
    if (!series) continue;
    for (const spec of series.specs) {
      for (const stat of spec.stats) {
        const id = `${QUERY_ID_PREFIX}${queries.length}`;
        const period = spec.period ?? SWEEP_PERIOD_SECONDS;
        queries.push({
          id,
          namespace: spec.namespace,
          metricName: spec.metricName,
          dimensions: series.dimensions,
          period,
          stat,
        });
        subjects.push({
          resourceId: resource.id,
          namespace: spec.namespace,
          metricName: spec.metricName,
          stat,
          period,
        });
      }
    }
  }
  return { queries, subjects };
}
