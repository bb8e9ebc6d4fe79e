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

/**
 * The queries of a sweep, held as two numbers per query (which resource, which of its series) rather than
 * as objects: a query and its subject are made when asked for, so a large fleet's plan costs a few bytes
 * per query while a sweep walks it.
 */
export interface SweepQueryPlan {
  readonly size: number;
  /** The queries in order, each made as it is reached; the id of the i-th is `queryIdAt(i)`. */
  queries(): Iterable<MetricQuery>;
  /** What the query at `index` asks for. */
  subjectAt(index: number): MetricSubject;
  /** How many queries each resource has. */
  queryCounts(): Map<string, number>;
}

// CloudWatch ids start with a lower-case letter; the query's index keeps them unique and short.
const QUERY_ID_PREFIX = "m";

/** Where a query of a plan sits in it, read back from the query's id. */
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

/** One query's worth of a spec: a metric at one statistic and period. */
interface FlatSeries {
  namespace: string;
  metricName: string;
  stat: MetricStatistic;
  period: number;
}

const flatten = (specs: SeriesSpec[]): FlatSeries[] =>
  specs.flatMap((spec) =>
    spec.stats.map((stat) => ({
      namespace: spec.namespace,
      metricName: spec.metricName,
      stat,
      period: spec.period ?? SWEEP_PERIOD_SECONDS,
    })),
  );

const EC2_QUERIES = flatten(EC2_SERIES);
const RDS_REPLICA_QUERIES = flatten(RDS_SERIES);
const RDS_PRIMARY_QUERIES = RDS_REPLICA_QUERIES.filter((series) => series.metricName !== "ReplicaLag");

function seriesFor(resource: Resource): { series: FlatSeries[]; dimensions: Record<string, string> } | null {
  switch (resource.kind) {
    case "auto_scaling_group":
      return { series: EC2_QUERIES, dimensions: { AutoScalingGroupName: resource.cloudId } };
    case "instance":
      return { series: EC2_QUERIES, dimensions: { InstanceId: resource.cloudId } };
    case "db_instance":
      return {
        series: resource.database?.role === "replica" ? RDS_REPLICA_QUERIES : RDS_PRIMARY_QUERIES,
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
export function sweepQueryPlan(resources: readonly Resource[]): SweepQueryPlan {
  const swept = resources.flatMap((resource) => {
    const series = resource.status === "gone" ? null : seriesFor(resource);
    return series ? [{ resourceId: resource.id, ...series }] : [];
  });
  const size = swept.reduce((sum, resource) => sum + resource.series.length, 0);
  // Query i asks for series seriesIndex[i] of swept[resourceIndex[i]].
  const resourceIndex = new Int32Array(size);
  const seriesIndex = new Uint8Array(size);
  let next = 0;
  for (const [r, resource] of swept.entries()) {
    for (let s = 0; s < resource.series.length; s += 1) {
      resourceIndex[next] = r;
      seriesIndex[next] = s;
      next += 1;
    }
  }
  const at = (index: number) => {
    const resource = swept[resourceIndex[index] as number] as (typeof swept)[number];
    return { resource, series: resource.series[seriesIndex[index] as number] as FlatSeries };
  };
  return {
    size,
    *queries() {
      for (let index = 0; index < size; index += 1) {
        const { resource, series } = at(index);
        yield { id: `${QUERY_ID_PREFIX}${index}`, dimensions: resource.dimensions, ...series };
      }
    },
    subjectAt(index) {
      const { resource, series } = at(index);
      return { resourceId: resource.resourceId, ...series };
    },
    queryCounts: () => new Map(swept.map((resource) => [resource.resourceId, resource.series.length])),
  };
}
