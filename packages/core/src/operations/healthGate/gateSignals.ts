import { type Static, Type } from "typebox";
import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { MetricQuery, MetricSeries } from "../../cloud/cloudTypes.ts";
import { ALB_NAMESPACE, type DeployTargetBalancer } from "../../cloud/loadBalancerTypes.ts";

/** The balancer the gate watches, as the operation keeps it between ticks. */
export const GateBalancer = Type.Object({
  loadBalancerArn: Type.String({ maxLength: 2048 }),
  loadBalancerDimension: Type.String({ maxLength: 512 }),
  targetGroups: Type.Array(
    Type.Object({ arn: Type.String({ maxLength: 2048 }), dimension: Type.String({ maxLength: 512 }) }),
    {
      maxItems: 20,
    },
  ),
  environmentName: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
});

/** One look at the site's health signals over a short window. */
export const GateReading = Type.Object({
  /** ISO 8601: the end of the window. */
  at: Type.String({ maxLength: 40 }),
  windowMinutes: Type.Integer({ minimum: 1, maximum: 60 }),
  requests: Type.Number({ minimum: 0 }),
  errors5xx: Type.Number({ minimum: 0 }),
  /** 5xx over requests; null without traffic (nothing to judge by). */
  ratio5xx: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  /** The average TargetResponseTime in milliseconds; null without datapoints. */
  latencyMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  unhealthyTargets: Type.Integer({ minimum: 0 }),
  healthyTargets: Type.Integer({ minimum: 0 }),
  /** Elastic Beanstalk's colour for the environment, when it has one. */
  environmentHealth: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
});
export type GateReadingValue = Static<typeof GateReading>;

/** The window a baseline averages over, and the one each watch looks at (recent enough to react, long enough to count). */
export const BASELINE_WINDOW_MINUTES = 15;
export const WATCH_WINDOW_MINUTES = 3;
const PERIOD_SECONDS = 60;

export function gateBalancerOf(balancer: DeployTargetBalancer): Static<typeof GateBalancer> {
  return {
    loadBalancerArn: balancer.loadBalancerArn,
    loadBalancerDimension: balancer.loadBalancerDimension,
    targetGroups: balancer.targetGroups.map(({ arn, dimension }) => ({ arn, dimension })),
    environmentName: balancer.environmentName,
  };
}

function queriesFor(balancer: Static<typeof GateBalancer>): MetricQuery[] {
  const onBalancer = { LoadBalancer: balancer.loadBalancerDimension };
  const query = (id: string, metricName: string, stat: MetricQuery["stat"], dimensions: Record<string, string>) => ({
    id,
    namespace: ALB_NAMESPACE,
    metricName,
    dimensions,
    period: PERIOD_SECONDS,
    stat,
  });
  return [
    query("requests", "RequestCount", "Sum", onBalancer),
    query("errors", "HTTPCode_Target_5XX_Count", "Sum", onBalancer),
    query("latency", "TargetResponseTime", "Average", onBalancer),
    ...balancer.targetGroups.map((group, i) =>
      query(`unhealthy${i}`, "UnHealthyHostCount", "Maximum", { ...onBalancer, TargetGroup: group.dimension }),
    ),
  ];
}

const sumOf = (series: MetricSeries | undefined) => (series?.points ?? []).reduce((sum, p) => sum + p.value, 0);

/**
 * Reads the gate's signals over the `windowMinutes` before `now`: CloudWatch for
 * requests, 5xx, latency and unhealthy hosts; DescribeTargetHealth for the
 * targets as they are now; Beanstalk for the environment's colour.
 */
export async function readGateSignals(
  cloud: CloudPort,
  balancer: Static<typeof GateBalancer>,
  now: Date,
  windowMinutes: number,
): Promise<GateReadingValue> {
  const start = new Date(now.getTime() - windowMinutes * 60_000);
  const { series } = await cloud.metrics.getMetricData({ queries: queriesFor(balancer), start, end: now });
  const byId = new Map(series.map((s) => [s.id, s]));
  const requests = sumOf(byId.get("requests"));
  // CloudWatch publishes no HTTPCode_Target_5XX_Count datapoint for a minute without 5xx: a missing point here is zero.
  const errors5xx = sumOf(byId.get("errors"));
  const latencyPoints = byId.get("latency")?.points ?? [];
  const latencyMs =
    latencyPoints.length === 0
      ? null
      : Math.round((latencyPoints.reduce((sum, p) => sum + p.value, 0) / latencyPoints.length) * 1000 * 10) / 10;
  let unhealthyFromMetrics = 0;
  balancer.targetGroups.forEach((_group, i) => {
    const latest = byId.get(`unhealthy${i}`)?.points.at(-1)?.value ?? 0;
    unhealthyFromMetrics += latest;
  });
  let unhealthyNow = 0;
  let healthyNow = 0;
  for (const group of balancer.targetGroups) {
    for (const target of await cloud.loadBalancers.describeTargetHealth(group.arn)) {
      if (target.state === "unhealthy") unhealthyNow += 1;
      if (target.state === "healthy") healthyNow += 1;
    }
  }
  return {
    at: now.toISOString(),
    windowMinutes,
    requests,
    errors5xx,
    ratio5xx: requests > 0 ? Math.round((errors5xx / requests) * 100_000) / 100_000 : null,
    latencyMs,
    unhealthyTargets: Math.max(unhealthyNow, Math.round(unhealthyFromMetrics)),
    healthyTargets: healthyNow,
    environmentHealth: await environmentHealthOf(cloud, balancer.environmentName),
  };
}

async function environmentHealthOf(cloud: CloudPort, environmentName: string | null): Promise<string | null> {
  if (!environmentName) return null;
  try {
    return await cloud.loadBalancers.environmentHealth(environmentName);
  } catch (error) {
    // Read-only and secondary: an environment the cloud no longer lists has no colour to judge by.
    if (isCloudError(error) && error.kind === "not_found") return null;
    throw error;
  }
}

/** A reading in one line, for the plan and the events: "5xx 0.12% of 14,210 requests, 184 ms, 0 unhealthy of 2 targets, Green". */
export function describeReading(reading: GateReadingValue): string {
  const ratio =
    reading.ratio5xx === null
      ? "no traffic"
      : `5xx ${(reading.ratio5xx * 100).toFixed(2)}% of ${reading.requests} requests`;
  const latency = reading.latencyMs === null ? "latency unknown" : `${reading.latencyMs} ms`;
  const targets = `${reading.unhealthyTargets} unhealthy of ${reading.unhealthyTargets + reading.healthyTargets} targets`;
  return [
    ratio,
    latency,
    targets,
    ...(reading.environmentHealth ? [`Beanstalk ${reading.environmentHealth}`] : []),
  ].join(", ");
}
