import type { MetricQuery } from "@fastier/core";
import {
  CPU_UTILIZATION_PERCENT,
  dbConnections,
  dbCpuPercent,
  dbFreeableMemoryBytes,
  type InstanceMetric,
  MEMORY_USED_PERCENT,
  type ModelledInstance,
  modelledInstance,
  replicaLagSeconds,
} from "./loadModel.ts";
import { eachInstant, type Sampler } from "./periodSummary.ts";
import type { SharedLoads } from "./sharedLoads.ts";
import { normaliseIdentifier } from "./simDatabases.ts";
import { loadBalancerSampler } from "./simLoadBalancer.ts";
import type { SimDbInstance, SimWorld } from "./simState.ts";
import { toMs } from "./simTime.ts";
import { type IndexedInstance, servingAt, type WorldIndex } from "./worldIndex.ts";

/**
 * What publishes each metric the simulated CloudWatch serves: the instances
 * (per group or one by one), the databases and the load balancers, all from
 * the load model.
 */

/** Which simulated source publishes this metric with exactly these dimensions; null when none does. */
export function samplerFor(world: SimWorld, index: WorldIndex, loads: SharedLoads, query: MetricQuery): Sampler | null {
  const dimensionNames = Object.keys(query.dimensions).sort().join(",");
  const key = `${query.namespace}|${query.metricName}|${dimensionNames}`;
  switch (key) {
    case "CWAgent|mem_used_percent|AutoScalingGroupName":
      return groupSampler(index, loads, query.dimensions.AutoScalingGroupName as string, MEMORY_USED_PERCENT);
    case "CWAgent|mem_used_percent|InstanceId":
      return instanceSampler(index, loads, query.dimensions.InstanceId as string, MEMORY_USED_PERCENT);
    case "AWS/EC2|CPUUtilization|AutoScalingGroupName":
      return groupSampler(index, loads, query.dimensions.AutoScalingGroupName as string, CPU_UTILIZATION_PERCENT);
    case "AWS/EC2|CPUUtilization|InstanceId":
      return instanceSampler(index, loads, query.dimensions.InstanceId as string, CPU_UTILIZATION_PERCENT);
    case "AWS/RDS|FreeableMemory|DBInstanceIdentifier":
    case "AWS/RDS|DatabaseConnections|DBInstanceIdentifier":
    case "AWS/RDS|CPUUtilization|DBInstanceIdentifier":
    case "AWS/RDS|ReplicaLag|DBInstanceIdentifier":
      return databaseSampler(world, index, query.metricName, query.dimensions.DBInstanceIdentifier as string);
    default:
      return loadBalancerSampler(world, query);
  }
}

/** Every in-service member of the group at each instant, in the group's order. */
function groupSampler(
  index: WorldIndex,
  loads: SharedLoads,
  groupName: string,
  metric: InstanceMetric,
): Sampler | null {
  const group = index.groupsByName.get(groupName);
  if (!group) return null;
  const members = group.members;
  const modelled = members.map(({ instance }) => modelledInstance(instance.instanceType, instance.instanceId));
  return (grid, into) => {
    const shared = loads.of(grid, metric, group);
    for (let i = 0; i < grid.times.length; i += 1) {
      const time = grid.times[i] as number;
      for (let m = 0; m < members.length; m += 1) {
        if (servingAt(members[m] as IndexedInstance, time)) {
          const value = metric.of(shared[i] as number, modelled[m] as ModelledInstance, grid.minutes[i] as string);
          into.add(grid.periodOf[i] as number, value);
        }
      }
    }
  };
}

function instanceSampler(
  index: WorldIndex,
  loads: SharedLoads,
  instanceId: string,
  metric: InstanceMetric,
): Sampler | null {
  const member = index.instancesById.get(instanceId);
  if (!member) return null;
  const modelled = modelledInstance(member.instance.instanceType, member.instance.instanceId);
  return (grid, into) => {
    const shared = loads.of(grid, metric, member.group);
    for (let i = 0; i < grid.times.length; i += 1) {
      if (!servingAt(member, grid.times[i] as number)) continue;
      into.add(grid.periodOf[i] as number, metric.of(shared[i] as number, modelled, grid.minutes[i] as string));
    }
  };
}

function databaseSampler(world: SimWorld, index: WorldIndex, metricName: string, identifier: string): Sampler | null {
  const db = world.databases.find((candidate) => candidate.identifier === normaliseIdentifier(identifier));
  if (!db) return null;
  const createdAt = toMs(db.createdAt);
  const webInstances = (time: number) => index.fleetServing.at(time);
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
  return eachInstant((time) => (time < createdAt ? null : value(time)));
}

const wasReplicaAt = (db: SimDbInstance, time: number) =>
  db.readReplicaSourceIdentifier !== null || (db.promotedAt !== null && time < toMs(db.promotedAt));
