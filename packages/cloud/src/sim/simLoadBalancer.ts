import {
  ALB_NAMESPACE,
  type DeployTargetBalancer,
  FASTIER_TARGET_GROUP_ARN,
  loadBalancerDimensionOf,
  type MetricQuery,
  type TargetHealth,
  targetGroupDimensionOf,
} from "@fastier/core";
import {
  deploysToEnvironment,
  FAULTY_RELEASE,
  faultyShareSampler,
  unhealthyTargetsUnderFaults,
} from "./faultyReleases.ts";
import { hashString } from "./keyedRandom.ts";
import { dailyLoadShape, trafficBurst } from "./loadModel.ts";
import { eachInstant, type Sampler } from "./periodSummary.ts";
import { blueGreenEnvironments, liveHolderAt, TERMINATE_MS } from "./simBlueGreen.ts";
import { simError } from "./simErrors.ts";
import { findPipeline } from "./simPipelines.ts";
import type { SimWorld } from "./simState.ts";
import { MINUTE, toMs } from "./simTime.ts";
import { countServingInEnvironment, indexWorld } from "./worldIndex.ts";

/**
 * The Application Load Balancers Elastic Beanstalk runs, one per environment: the seeded one in
 * front of the seeded environment (its target group holds the group's instances), and one per
 * cloned environment (two instances of its own). Their CloudWatch metrics come from the same load
 * model as the instances' (requests follow the daily cycle and traffic peaks): the users' requests
 * go to whichever environment holds the live CNAME at that minute; the others see only
 * health checks and warm-up requests. A faulty release adds 5xx, latency and failing targets
 * (faultyReleases.ts).
 */

/** Health checks and synthetic warm-up requests a minute at an environment that does not hold the live CNAME. */
export const WARMUP_REQUESTS_PER_MINUTE = 120;
/** Instances a cloned environment runs (its own Auto Scaling group is not modelled beyond them). */
const CLONE_INSTANCES = 2;

interface SimBalancer {
  environmentId: string;
  environmentName: string;
  loadBalancerArn: string;
  targetGroupArn: string;
  /** Since when the environment answers requests (Ready), and until when (its termination was asked). */
  servesFrom: number;
  servesUntil: number;
  seeded: boolean;
}

const hex = (text: string) => hashString(text).toString(16).padStart(8, "0");

/** Every environment's balancer, terminated ones included (their past metrics stay). */
function balancersOf(world: SimWorld): SimBalancer[] {
  const live = world.beanstalkEnvironment;
  const terminatedAt = (id: string) => {
    const at = world.blueGreen.terminations[id];
    return at ? toMs(at) : Number.POSITIVE_INFINITY;
  };
  const arnBase = `arn:aws:elasticloadbalancing:${world.region}:${world.awsAccountId}`;
  return [
    {
      environmentId: live.cloudId,
      environmentName: live.name,
      loadBalancerArn: world.loadBalancer.cloudId,
      targetGroupArn: FASTIER_TARGET_GROUP_ARN,
      servesFrom: Number.NEGATIVE_INFINITY,
      servesUntil: terminatedAt(live.cloudId),
      seeded: true,
    },
    ...world.blueGreen.clones.map((clone) => ({
      environmentId: clone.environmentId,
      environmentName: clone.name,
      loadBalancerArn: `${arnBase}:loadbalancer/app/awseb-${clone.name}-alb/${hex(clone.environmentId)}${hex(`${clone.environmentId}:lb`)}`,
      targetGroupArn: `${arnBase}:targetgroup/awseb-${clone.name}-tg/${hex(`${clone.environmentId}:tg`)}${hex(clone.name)}`,
      servesFrom: toMs(clone.readyAt),
      servesUntil: terminatedAt(clone.environmentId),
      seeded: false,
    })),
  ];
}

const asDeployTarget = (balancer: SimBalancer): DeployTargetBalancer => ({
  loadBalancerArn: balancer.loadBalancerArn,
  loadBalancerDimension: loadBalancerDimensionOf(balancer.loadBalancerArn),
  targetGroups: [{ arn: balancer.targetGroupArn, dimension: targetGroupDimensionOf(balancer.targetGroupArn) }],
  environmentName: balancer.environmentName,
});

/** The balancer of the environment of that name while it is not terminated. */
export function findBalancerForEnvironment(world: SimWorld, now: number, name: string): DeployTargetBalancer | null {
  const environment = blueGreenEnvironments(world, now).find(
    (e) => e.environmentName === name && e.status !== "Terminated",
  );
  const balancer = environment && balancersOf(world).find((b) => b.environmentId === environment.environmentId);
  return balancer ? asDeployTarget(balancer) : null;
}

/** The pipelines' deploy action updates the seeded environment: its balancer is the one a deploy's gate watches. */
export function findBalancerForPipeline(
  world: SimWorld,
  now: number,
  pipelineName: string,
): DeployTargetBalancer | null {
  const pipeline = findPipeline(world, pipelineName);
  if (!deploysToEnvironment(pipeline)) return null;
  return findBalancerForEnvironment(world, now, world.beanstalkEnvironment.name);
}

/** A target of a cloned environment: its synthetic instance ids. */
const cloneTargetIds = (balancer: SimBalancer) =>
  Array.from({ length: CLONE_INSTANCES }, (_, i) => `i-0${hex(balancer.environmentId)}${hex(`${i}`).slice(0, 5)}${i}`);

/**
 * Each registered target's health: serving instances are healthy (but a share of them unhealthy
 * while a faulty release is out), booting ones initial, leaving ones draining.
 */
export function describeTargetHealth(world: SimWorld, now: number, targetGroupArn: string): TargetHealth[] {
  const balancer = balancersOf(world).find(
    (b) => b.targetGroupArn === targetGroupArn && now < b.servesUntil + TERMINATE_MS,
  );
  if (!balancer) {
    throw simError(
      "not_found",
      "elasticloadbalancing",
      "TargetGroupNotFound",
      `One or more target groups not found: ${targetGroupArn}`,
    );
  }
  const targets: TargetHealth[] = balancer.seeded
    ? environmentGroups(world).flatMap((group) =>
        group.instances.flatMap((instance): TargetHealth[] => {
          if (instance.terminatingAt !== null && toMs(instance.terminatingAt) <= now) {
            return [{ targetId: instance.instanceId, state: "draining", reason: "Target.DeregistrationInProgress" }];
          }
          if (toMs(instance.inServiceAt) > now) {
            return [{ targetId: instance.instanceId, state: "initial", reason: "Elb.RegistrationInProgress" }];
          }
          return [{ targetId: instance.instanceId, state: "healthy", reason: null }];
        }),
      )
    : cloneTargetIds(balancer).map((targetId) =>
        now < balancer.servesFrom
          ? { targetId, state: "initial", reason: "Elb.RegistrationInProgress" }
          : now >= balancer.servesUntil
            ? { targetId, state: "draining", reason: "Target.DeregistrationInProgress" }
            : { targetId, state: "healthy", reason: null },
      );
  let failing = unhealthyTargetsUnderFaults(
    targets.filter((t) => t.state === "healthy").length,
    faultyShareSampler(world, balancer.environmentId)(now),
  );
  return targets.map((target) => {
    if (target.state !== "healthy" || failing === 0) return target;
    failing -= 1;
    return { ...target, state: "unhealthy", reason: "Target.ResponseCodeMismatch" };
  });
}

/** Beanstalk's colour for any environment of the account; null for one it does not know. */
export function environmentHealth(world: SimWorld, now: number, environmentName: string): string | null {
  // Names come back once an environment is terminated: the one that is not is meant.
  const named = blueGreenEnvironments(world, now).filter((e) => e.environmentName === environmentName);
  return (named.find((e) => e.status !== "Terminated") ?? named[0])?.health ?? null;
}

const environmentGroups = (world: SimWorld) =>
  world.groups.filter((group) => group.parentCloudId === world.beanstalkEnvironment.cloudId);

/** The users' requests a minute: the daily cycle and the traffic peaks the instances feel. */
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
 * TargetGroup) of one of the account's balancers; null for another balancer or metric. A
 * balancer publishes nothing before its environment is Ready or after it was terminated.
 */
export function loadBalancerSampler(world: SimWorld, query: MetricQuery): Sampler | null {
  if (query.namespace !== ALB_NAMESPACE) return null;
  const { LoadBalancer, TargetGroup, ...others } = query.dimensions;
  if (Object.keys(others).length > 0) return null;
  const balancer = balancersOf(world).find((b) => loadBalancerDimensionOf(b.loadBalancerArn) === LoadBalancer);
  if (!balancer) return null;
  if (TargetGroup !== undefined && TargetGroup !== targetGroupDimensionOf(balancer.targetGroupArn)) return null;
  const faultyShare = faultyShareSampler(world, balancer.environmentId);
  const index = indexWorld(world);
  const serves = (time: number) => time >= balancer.servesFrom && time < balancer.servesUntil;
  const requests = (time: number) =>
    liveHolderAt(world, time) === balancer.environmentId ? requestsPerMinute(time) : WARMUP_REQUESTS_PER_MINUTE;
  const envId = world.beanstalkEnvironment.cloudId;
  const instances = (time: number) =>
    balancer.seeded ? countServingInEnvironment(index, envId, time) : CLONE_INSTANCES;
  const sample = (value: (time: number) => number): Sampler =>
    eachInstant((time) => (serves(time) ? value(time) : null));
  switch (query.metricName) {
    case "RequestCount":
      return sample(requests);
    case "HTTPCode_Target_5XX_Count":
      return sample((time) =>
        Math.round(requests(time) * (baseErrorShare(time) + FAULTY_RELEASE.errorShare * faultyShare(time))),
      );
    case "TargetResponseTime":
      return sample((time) => responseSeconds(time) + FAULTY_RELEASE.addedLatencySeconds * faultyShare(time));
    case "HealthyHostCount":
      return sample((time) => instances(time) - unhealthyTargetsUnderFaults(instances(time), faultyShare(time)));
    case "UnHealthyHostCount":
      // Instances pass their checks once in service, except the share a faulty release breaks.
      return sample((time) => unhealthyTargetsUnderFaults(instances(time), faultyShare(time)));
    default:
      return null;
  }
}
