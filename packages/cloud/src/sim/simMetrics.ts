import {
  type MetricDataRequest,
  type MetricDataResult,
  type MetricQuery,
  type MetricSeries,
  type MetricStatistic,
  planMetricBatches,
} from "@fastier/core";
import {
  dbConnections,
  dbCpuPercent,
  dbFreeableMemoryBytes,
  memUsedPercent,
  replicaLagSeconds,
  webCpuPercent,
} from "./loadModel.ts";
import { findInstance, instancesInServiceAt, wasInService } from "./simAutoScaling.ts";
import { normaliseIdentifier } from "./simDatabases.ts";
import { simError } from "./simErrors.ts";
import type { SimDbInstance, SimWorld } from "./simState.ts";
import { MINUTE, toMs } from "./simTime.ts";

/**
 * CloudWatch GetMetricData over the simulated account. Each period's value is
 * the statistic over one-minute samples of the load model (the agent's and
 * RDS's reporting interval), taken only up to now: the future has no data.
 */

/** Values published at one instant: one per instance under a group dimension, one for a single resource. */
type Sampler = (time: number) => number[];

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
  return {
    series: request.queries.map((query) => seriesOf(world, now, query, start, end)),
    calls: batches.length,
  };
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

function seriesOf(world: SimWorld, now: number, query: MetricQuery, start: number, end: number): MetricSeries {
  const sampler = samplerFor(world, query);
  if (!sampler) return { id: query.id, points: [], complete: true };
  const periodMs = query.period * 1000;
  const stepMs = Math.max(MINUTE, Math.ceil(periodMs / MAX_SAMPLES_PER_PERIOD / MINUTE) * MINUTE);
  const points: MetricSeries["points"] = [];
  // CloudWatch rounds the start down to a period boundary.
  for (let periodStart = Math.floor(start / periodMs) * periodMs; periodStart < end; periodStart += periodMs) {
    if (periodStart > now) break;
    const values: number[] = [];
    const periodEnd = Math.min(periodStart + periodMs, now + 1);
    for (let time = periodStart; time < periodEnd; time += stepMs) values.push(...sampler(time));
    if (values.length > 0) points.push({ timestamp: new Date(periodStart), value: statistic(query.stat, values) });
  }
  return { id: query.id, points, complete: true };
}

function statistic(stat: MetricStatistic, values: number[]): number {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  switch (stat) {
    case "Average":
      return round(values.reduce((sum, value) => sum + value, 0) / values.length);
    case "Maximum":
      return round(Math.max(...values));
    case "Minimum":
      return round(Math.min(...values));
    case "Sum":
      return round(values.reduce((sum, value) => sum + value, 0));
    case "SampleCount":
      return values.length;
  }
}

/** Which simulated source publishes this metric with exactly these dimensions; null when none does. */
function samplerFor(world: SimWorld, query: MetricQuery): Sampler | null {
  const dimensionNames = Object.keys(query.dimensions).sort().join(",");
  const key = `${query.namespace}|${query.metricName}|${dimensionNames}`;
  switch (key) {
    case "CWAgent|mem_used_percent|AutoScalingGroupName":
      return groupSampler(world, query.dimensions.AutoScalingGroupName as string, memUsedPercent);
    case "CWAgent|mem_used_percent|InstanceId":
      return instanceSampler(world, query.dimensions.InstanceId as string, memUsedPercent);
    case "AWS/EC2|CPUUtilization|AutoScalingGroupName":
      return groupSampler(world, query.dimensions.AutoScalingGroupName as string, webCpuPercent);
    case "AWS/EC2|CPUUtilization|InstanceId":
      return instanceSampler(world, query.dimensions.InstanceId as string, webCpuPercent);
    case "AWS/RDS|FreeableMemory|DBInstanceIdentifier":
    case "AWS/RDS|DatabaseConnections|DBInstanceIdentifier":
    case "AWS/RDS|CPUUtilization|DBInstanceIdentifier":
    case "AWS/RDS|ReplicaLag|DBInstanceIdentifier":
      return databaseSampler(world, query.metricName, query.dimensions.DBInstanceIdentifier as string);
    default:
      return null;
  }
}

type InstanceModel = (time: number, inServiceCount: number, instanceType: string | null, instanceId: string) => number;

function groupSampler(world: SimWorld, groupName: string, model: InstanceModel): Sampler | null {
  const group = world.groups.find((candidate) => candidate.name === groupName);
  if (!group) return null;
  return (time) => {
    const serving = instancesInServiceAt(group, time);
    return serving.map((instance) => model(time, serving.length, instance.instanceType, instance.instanceId));
  };
}

function instanceSampler(world: SimWorld, instanceId: string, model: InstanceModel): Sampler | null {
  const found = findInstance(world, instanceId);
  if (!found) return null;
  const { group, instance } = found;
  return (time) =>
    wasInService(instance, time)
      ? [model(time, instancesInServiceAt(group, time).length, instance.instanceType, instance.instanceId)]
      : [];
}

function databaseSampler(world: SimWorld, metricName: string, identifier: string): Sampler | null {
  const db = world.databases.find((candidate) => candidate.identifier === normaliseIdentifier(identifier));
  if (!db) return null;
  const createdAt = toMs(db.createdAt);
  const webInstances = (time: number) =>
    world.groups.reduce((sum, group) => sum + instancesInServiceAt(group, time).length, 0);
  return (time) => {
    if (time < createdAt) return [];
    const { workload } = db;
    switch (metricName) {
      case "FreeableMemory":
        return [dbFreeableMemoryBytes(time, db.instanceClass, workload, webInstances(time))];
      case "DatabaseConnections":
        return [dbConnections(time, workload, webInstances(time))];
      case "CPUUtilization":
        return [dbCpuPercent(time, db.instanceClass, workload)];
      default:
        // ReplicaLag is published only while the instance replicates.
        return wasReplicaAt(db, time) ? [replicaLagSeconds(time, db.identifier)] : [];
    }
  };
}

const wasReplicaAt = (db: SimDbInstance, time: number) =>
  db.readReplicaSourceIdentifier !== null || (db.promotedAt !== null && time < toMs(db.promotedAt));
