import {
  ALB_NAMESPACE,
  type DeployTargetBalancer,
  FASTIER_TARGET_GROUP_ARN,
  loadBalancerDimensionOf,
  type MetricQuery,
  type TargetHealth,
  targetGroupDimensionOf,
} from "@fastier/core";
import { deploysToEnvironment, FAULTY_RELEASE, faultyShareSampler } from "./faultyReleases.ts";
import { hashString } from "./keyedRandom.ts";
import { dailyLoadShape, trafficBurst } from "./loadModel.ts";
import { beanstalkHealthOf } from "./simDiscovery.ts";
import { simError } from "./simErrors.ts";
import { findPipeline } from "./simPipelines.ts";
import type { SimWorld } from "./simState.ts";
import { MINUTE, toMs } from "./simTime.ts";
import { countServingAt, indexWorld, type WorldIndex } from "./worldIndex.ts";

/**
 * The Application Load Balancer in front of the Beanstalk environment: its
 * one target group holds the group's instances, and its CloudWatch metrics
 * come from the same load model as the instances' (requests follow the daily
 * cycle and traffic peaks), plus what a faulty release adds (faultyReleases.ts).
 */

export function findBalancerForPipeline(world: SimWorld, pipelineName: string): DeployTargetBalancer | null {
  const pipeline = findPipeline(world, pipelineName);
  if (!deploysToEnvironment(pipeline)) return null;
  const targetGroupArn = FASTIER_TARGET_GROUP_ARN;
  return {
    loadBalancerArn: world.loadBalancer.cloudId,
    loadBalancerDimension: loadBalancerDimensionOf(world.loadBalancer.cloudId),
    targetGroups: [{ arn: targetGroupArn, dimension: targetGroupDimensionOf(targetGroupArn) }],
    environmentName: world.beanstalkEnvironment.name,
  };
}

/** The environment's groups' instances: serving ones are healthy, booting ones initial, leaving ones draining. */
export function describeTargetHealth(world: SimWorld, now: number, targetGroupArn: string): TargetHealth[] {
  if (targetGroupArn !== FASTIER_TARGET_GROUP_ARN) {
    throw simError(
      "not_found",
      "elasticloadbalancing",
      "TargetGroupNotFound",
      `One or more target groups not found: ${targetGroupArn}`,
    );
  }
  return environmentGroups(world).flatMap((group) =>
    group.instances.flatMap((instance): TargetHealth[] => {
      if (instance.terminatingAt !== null && toMs(instance.terminatingAt) <= now) {
        return [{ targetId: instance.instanceId, state: "draining", reason: "Target.DeregistrationInProgress" }];
      }
      if (toMs(instance.inServiceAt) > now) {
        return [{ targetId: instance.instanceId, state: "initial", reason: "Elb.RegistrationInProgress" }];
      }
      return [{ targetId: instance.instanceId, state: "healthy", reason: null }];
    }),
  );
}

export function environmentHealth(world: SimWorld, environmentName: string): string | null {
  return environmentName === world.beanstalkEnvironment.name ? beanstalkHealthOf(world) : null;
}

const environmentGroups = (world: SimWorld) =>
  world.groups.filter((group) => group.parentCloudId === world.beanstalkEnvironment.cloudId);

/** Requests a minute at the balancer: the daily cycle and the traffic peaks the instances feel. */
export function requestsPerMinute(time: number): number {
  return Math.round(900 + 2600 * dailyLoadShape(time) + 1800 * trafficBurst(time));
}

/** A healthy release's background of 5xx answers: a tenth to two tenths of a percent, varying by minute. */
function baseErrorShare(time: number): number {
  return 0.001 + (hashString(`alb-5xx:${Math.floor(time / MINUTE)}`) % 1000) / 1_000_000;
}

/** Average seconds from the balancer sending a request to the target answering. */
function responseSeconds(time: number): number {
  return 0.11 + 0.06 * dailyLoadShape(time) + 0.05 * trafficBurst(time);
}

/**
 * A sampler of one AWS/ApplicationELB metric with dimension LoadBalancer (and optionally
 * TargetGroup) of this account's balancer; null for another balancer or metric.
 */
export function loadBalancerSampler(world: SimWorld, query: MetricQuery): ((time: number) => number[]) | null {
  if (query.namespace !== ALB_NAMESPACE) return null;
  const { LoadBalancer, TargetGroup, ...others } = query.dimensions;
  if (Object.keys(others).length > 0 || LoadBalancer !== loadBalancerDimensionOf(world.loadBalancer.cloudId)) {
    return null;
  }
  if (TargetGroup !== undefined && TargetGroup !== targetGroupDimensionOf(FASTIER_TARGET_GROUP_ARN)) return null;
  const faultyShare = faultyShareSampler(world);
  const index = indexWorld(world);
  const servingAt = (time: number) => servingInEnvironment(world, index, time);
  switch (query.metricName) {
    case "RequestCount":
      return (time) => [requestsPerMinute(time)];
    case "HTTPCode_Target_5XX_Count":
      return (time) => [
        Math.round(requestsPerMinute(time) * (baseErrorShare(time) + FAULTY_RELEASE.errorShare * faultyShare(time))),
      ];
    case "TargetResponseTime":
      return (time) => [responseSeconds(time) + FAULTY_RELEASE.addedLatencySeconds * faultyShare(time)];
    case "HealthyHostCount":
      return (time) => [servingAt(time)];
    case "UnHealthyHostCount":
      // The instances pass their health checks once in service; a failing one is replaced by its group.
      return () => [0];
    default:
      return null;
  }
}

function servingInEnvironment(world: SimWorld, index: WorldIndex, time: number): number {
  const envId = world.beanstalkEnvironment.cloudId;
  return index.groups.reduce(
    (sum, group) => sum + (group.group.parentCloudId === envId ? countServingAt(group, time) : 0),
    0,
  );
}
