import {
  type MetricDataRequest,
  type MetricDataResult,
  type MetricQuery,
  type MetricSeries,
  type MetricStatistic,
  planMetricBatches,
} from "@fastier/core";
import {
  CPU_UTILIZATION_PERCENT,
  dbConnections,
  dbCpuPercent,
  dbFreeableMemoryBytes,
  type InstanceMetric,
  MEMORY_USED_PERCENT,
  minuteKey,
  modelledInstance,
  replicaLagSeconds,
} from "./loadModel.ts";
import { PeriodSummary, type Sampler } from "./periodSummary.ts";
import { normaliseIdentifier } from "./simDatabases.ts";
import { simError } from "./simErrors.ts";
import { loadBalancerSampler } from "./simLoadBalancer.ts";
import type { SimDbInstance, SimWorld } from "./simState.ts";
import { MINUTE, toMs } from "./simTime.ts";
import { countServingAt, indexWorld, servingAt, type WorldIndex } from "./worldIndex.ts";

/**
 * CloudWatch GetMetricData over the simulated account. Each period's value is
 * the statistic over one-minute samples of the load model (the agent's and
 * RDS's reporting interval), taken only up to now: the future has no data.
 */

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
/** Enough samples per period for a faithful Maximum without making day-long periods slow. */
const MAX_SAMPLES_PER_PERIOD = 30;

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
  const series: MetricSeries[] = new Array(request.queries.length);
  // A metric's Maximum and Average come from the same samples: each source is sampled once per call.
  for (const queries of queriesBySource(request.queries).values()) {
    const first = queries[0] as PlacedQuery;
    const sampler = samplerFor(world, index, first.query);
    const periods = sampler ? summarisePeriods(sampler, now, first.query.period, start, end) : [];
    for (const { query, position } of queries) {
      series[position] = {
        id: query.id,
        points: periods.map((period) => ({ timestamp: new Date(period.start), value: statistic(query.stat, period) })),
        complete: true,
      };
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

interface PlacedQuery {
  query: MetricQuery;
  /** Where its series goes in the answer. */
  position: number;
}

/** Queries grouped by what they read: namespace, metric, dimensions and period. */
function queriesBySource(queries: MetricQuery[]): Map<string, PlacedQuery[]> {
  const bySource = new Map<string, PlacedQuery[]>();
  queries.forEach((query, position) => {
    const dimensions = Object.entries(query.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify([query.namespace, query.metricName, dimensions, query.period]);
    const list = bySource.get(key);
    if (list) list.push({ query, position });
    else bySource.set(key, [{ query, position }]);
  });
  return bySource;
}

/** The samples of each period in [start, end) up to now, summarised; periods without samples are left out. */
function summarisePeriods(
  sampler: Sampler,
  now: number,
  periodSeconds: number,
  start: number,
  end: number,
): PeriodSummary[] {
  const periodMs = periodSeconds * 1000;
  const stepMs = Math.max(MINUTE, Math.ceil(periodMs / MAX_SAMPLES_PER_PERIOD / MINUTE) * MINUTE);
  const periods: PeriodSummary[] = [];
  // CloudWatch rounds the start down to a period boundary.
  for (let periodStart = Math.floor(start / periodMs) * periodMs; periodStart < end; periodStart += periodMs) {
    if (periodStart > now) break;
    const period = new PeriodSummary(periodStart);
    const periodEnd = Math.min(periodStart + periodMs, now + 1);
    for (let time = periodStart; time < periodEnd; time += stepMs) sampler(time, period);
    if (period.count > 0) periods.push(period);
  }
  return periods;
}

// Module level: a closure made per call would cost a function object per datapoint.
const round = (value: number) => Math.round(value * 10_000) / 10_000;

function statistic(stat: MetricStatistic, period: PeriodSummary): number {
  switch (stat) {
    case "Average":
      return round(period.sum / period.count);
    case "Maximum":
      return round(period.max);
    case "Minimum":
      return round(period.min);
    case "Sum":
      return round(period.sum);
    case "SampleCount":
      return period.count;
  }
}

/** Which simulated source publishes this metric with exactly these dimensions; null when none does. */
function samplerFor(world: SimWorld, index: WorldIndex, query: MetricQuery): Sampler | null {
  const dimensionNames = Object.keys(query.dimensions).sort().join(",");
  const key = `${query.namespace}|${query.metricName}|${dimensionNames}`;
  switch (key) {
    case "CWAgent|mem_used_percent|AutoScalingGroupName":
      return groupSampler(index, query.dimensions.AutoScalingGroupName as string, MEMORY_USED_PERCENT);
    case "CWAgent|mem_used_percent|InstanceId":
      return instanceSampler(index, query.dimensions.InstanceId as string, MEMORY_USED_PERCENT);
    case "AWS/EC2|CPUUtilization|AutoScalingGroupName":
      return groupSampler(index, query.dimensions.AutoScalingGroupName as string, CPU_UTILIZATION_PERCENT);
    case "AWS/EC2|CPUUtilization|InstanceId":
      return instanceSampler(index, query.dimensions.InstanceId as string, CPU_UTILIZATION_PERCENT);
    case "AWS/RDS|FreeableMemory|DBInstanceIdentifier":
    case "AWS/RDS|DatabaseConnections|DBInstanceIdentifier":
    case "AWS/RDS|CPUUtilization|DBInstanceIdentifier":
    case "AWS/RDS|ReplicaLag|DBInstanceIdentifier":
      return databaseSampler(world, index, query.metricName, query.dimensions.DBInstanceIdentifier as string);
    default:
      return loadBalancerSampler(world, query);
  }
}

/** Every in-service member of the group, in the group's order: the load shared once per instant, then each member's value. */
function groupSampler(index: WorldIndex, groupName: string, metric: InstanceMetric): Sampler | null {
  const group = index.groupsByName.get(groupName);
  if (!group) return null;
  const members = group.members.map((member) => ({
    member,
    modelled: modelledInstance(member.instance.instanceType, member.instance.instanceId),
  }));
  return (time, into) => {
    const serving = countServingAt(group, time);
    if (serving === 0) return;
    const shared = metric.shared(time, serving);
    const minute = minuteKey(time);
    for (const { member, modelled } of members) {
      if (servingAt(member, time)) into.add(metric.of(shared, modelled, minute));
    }
  };
}

function instanceSampler(index: WorldIndex, instanceId: string, metric: InstanceMetric): Sampler | null {
  const member = index.instancesById.get(instanceId);
  if (!member) return null;
  const modelled = modelledInstance(member.instance.instanceType, member.instance.instanceId);
  return (time, into) => {
    if (!servingAt(member, time)) return;
    into.add(metric.of(metric.shared(time, countServingAt(member.group, time)), modelled, minuteKey(time)));
  };
}

function databaseSampler(world: SimWorld, index: WorldIndex, metricName: string, identifier: string): Sampler | null {
  const db = world.databases.find((candidate) => candidate.identifier === normaliseIdentifier(identifier));
  if (!db) return null;
  const createdAt = toMs(db.createdAt);
  const webInstances = (time: number) => index.groups.reduce((sum, group) => sum + countServingAt(group, time), 0);
  const { workload } = db;
  const value = (time: number): number | null => {
    switch (metricName) {
      case "FreeableMemory":
        return dbFreeableMemoryBytes(time, db.instanceClass, workload, webInstances(time));
      case "DatabaseConnections":
        return dbConnections(time, workload, webInstances(time));
      case "CPUUtilization":
        return dbCpuPercent(time, db.instanceClass, workload);
      default:
        // ReplicaLag is published only while the instance replicates.
        return wasReplicaAt(db, time) ? replicaLagSeconds(time, db.identifier) : null;
    }
  };
  return (time, into) => {
    if (time < createdAt) return;
    const published = value(time);
    if (published !== null) into.add(published);
  };
}

const wasReplicaAt = (db: SimDbInstance, time: number) =>
  db.readReplicaSourceIdentifier !== null || (db.promotedAt !== null && time < toMs(db.promotedAt));
