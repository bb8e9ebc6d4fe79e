import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  ALB_NAMESPACE,
  ASG_NAME,
  type CloudPort,
  type MetricQuery,
  type MetricSeries,
  PRIMARY_DB,
  REPLICA_DB,
} from "@fastier/core";
import { openSimWorld } from "./simTestWorld.ts";

/**
 * Pins every answer the simulated CloudWatch gives over a busy afternoon: the
 * digest below is of the exact timestamps and values served for every metric,
 * statistic and period, so a change that makes the simulator faster cannot
 * change what it says. If the load model itself is meant to change, this
 * digest changes with it, on purpose.
 */

const START = new Date("2026-11-24T13:00:00.000Z");
const PIPELINE = "fastier-web-pipeline";
/** A second group, outside Beanstalk, that target tracking scales by itself. */
const WORKERS = "fastier-workers";
const STATS: MetricQuery["stat"][] = ["Average", "Maximum", "Minimum", "Sum", "SampleCount"];
const INSTANCE_METRICS = [
  ["CWAgent", "mem_used_percent"],
  ["AWS/EC2", "CPUUtilization"],
] as const;
const DB_METRICS = ["FreeableMemory", "DatabaseConnections", "CPUUtilization", "ReplicaLag"];
const ALB_METRICS = [
  "RequestCount",
  "HTTPCode_Target_5XX_Count",
  "TargetResponseTime",
  "HealthyHostCount",
  "UnHealthyHostCount",
];

/**
 * A history with every kind of change the metrics follow: scale-out, replacement by a larger type,
 * a faulty release and its rollback, blue/green, scale-in, target tracking, promotion, restore.
 */
async function busyAfternoon() {
  const { cloud, clock } = await openSimWorld({
    start: START,
    pipelineFailureRate: 0,
    plainGroups: [{ name: WORKERS, instanceType: "t3.small", minSize: 1, maxSize: 6, desiredCapacity: 3 }],
  });
  const instanceIds = new Set<string>();
  const seeInstances = async () => {
    for (const group of await cloud.autoScaling.describeGroups()) {
      for (const instance of group.instances) instanceIds.add(instance.instanceId);
    }
  };
  const at = async (time: string) => {
    clock.set(new Date(`2026-11-24T${time}Z`));
    await seeInstances();
  };

  await seeInstances();
  await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
  await at("13:20:00");
  await cloud.beanstalk.updateInstanceTypes("e-fastierprod", ["t3.large"]);
  const [lastGood] = await cloud.pipelines.listExecutions(PIPELINE);
  await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "faulty", sourceRevision: "faulty-golden" });
  await at("13:45:00");
  await cloud.pipelines.rollbackStage(PIPELINE, "Deploy", lastGood?.executionId ?? "");
  await at("14:00:00");
  const blue = await cloud.beanstalk.findEnvironmentByName("fastier-prod");
  await cloud.beanstalk.createConfigurationTemplate({
    applicationName: "fastier-web",
    templateName: "golden",
    environmentId: blue?.environmentId ?? "",
    description: "answers test",
  });
  const green = await cloud.beanstalk.createEnvironment({
    applicationName: "fastier-web",
    environmentName: "fastier-prod-b",
    templateName: "golden",
    versionLabel: "fastier-web-v42",
    cnamePrefix: "fastier-prod-b",
  });
  // Looked up while both serve: a terminated environment's balancer is no longer found, but its past metrics stay.
  const balancers = await Promise.all(
    ["fastier-prod", "fastier-prod-b"].map((name) => cloud.loadBalancers.findForEnvironment(name)),
  );
  await at("14:15:00");
  await cloud.beanstalk.swapEnvironmentCnames(blue?.environmentId ?? "", green.environmentId);
  await at("14:40:00");
  await cloud.beanstalk.swapEnvironmentCnames(blue?.environmentId ?? "", green.environmentId);
  await at("14:50:00");
  await cloud.beanstalk.terminateEnvironment(green.environmentId);
  await at("15:00:00");
  await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 3);
  await cloud.autoScaling.putMemoryTargetTracking(WORKERS, { policyName: "memory-60", targetPercent: 60 });
  await at("15:20:00");
  await cloud.databases.promoteReadReplica(REPLICA_DB);
  await at("15:40:00");
  await cloud.databases.restoreToPointInTime({
    sourceIdentifier: PRIMARY_DB,
    targetIdentifier: "fastier-db-golden",
    useLatestRestorableTime: true,
  });
  await at("17:07:30");
  return { cloud, instanceIds: [...instanceIds], balancers: balancers.filter((b) => b !== null) };
}

/** Every metric the simulator serves, for every source in the history, at each statistic and period. */
function everyQuery(
  instanceIds: string[],
  balancers: { loadBalancerDimension: string; targetGroups: { dimension: string }[] }[],
  periods: number[],
): MetricQuery[] {
  const sources: Omit<MetricQuery, "id" | "stat" | "period">[] = [];
  for (const [namespace, metricName] of INSTANCE_METRICS) {
    for (const group of [ASG_NAME, WORKERS]) {
      sources.push({ namespace, metricName, dimensions: { AutoScalingGroupName: group } });
    }
    for (const id of instanceIds) sources.push({ namespace, metricName, dimensions: { InstanceId: id } });
  }
  for (const metricName of DB_METRICS) {
    for (const db of [PRIMARY_DB, REPLICA_DB, "fastier-db-golden"]) {
      sources.push({ namespace: "AWS/RDS", metricName, dimensions: { DBInstanceIdentifier: db } });
    }
  }
  for (const metricName of ALB_METRICS) {
    for (const balancer of balancers) {
      const LoadBalancer = balancer.loadBalancerDimension;
      sources.push({ namespace: ALB_NAMESPACE, metricName, dimensions: { LoadBalancer } });
      for (const group of balancer.targetGroups) {
        sources.push({
          namespace: ALB_NAMESPACE,
          metricName,
          dimensions: { TargetGroup: group.dimension, LoadBalancer },
        });
      }
    }
  }
  // What nothing publishes: these must stay empty.
  sources.push({
    namespace: "CWAgent",
    metricName: "disk_used_percent",
    dimensions: { AutoScalingGroupName: ASG_NAME },
  });
  sources.push({
    namespace: "AWS/EC2",
    metricName: "CPUUtilization",
    dimensions: { InstanceId: "i-0000000000000000" },
  });
  return sources.flatMap((source, s) =>
    periods.flatMap((period) => STATS.map((stat, k) => ({ ...source, id: `q${s}_${period}_${k}`, period, stat }))),
  );
}

/** The exact answer as text: ids, completeness, and every point's epoch milliseconds and value. */
const answerText = (series: MetricSeries[]) =>
  series
    .map((s) => `${s.id}:${s.complete}:${s.points.map((p) => `${p.timestamp.getTime()}=${p.value}`).join(",")}`)
    .join("\n");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function answer(cloud: CloudPort, queries: MetricQuery[], start: string, end: string) {
  const result = await cloud.metrics.getMetricData({ queries, start: new Date(start), end: new Date(end) });
  assert.deepEqual(
    result.series.map((s) => s.id),
    queries.map((q) => q.id),
  );
  return result.series;
}

describe("simulated CloudWatch answers, pinned", () => {
  it("serves exactly the same timestamps and values for every metric, statistic and period", async () => {
    const { cloud, instanceIds, balancers } = await busyAfternoon();
    // The web group: two seeded, two scaled out and their four t3.large replacements; three workers and three more.
    assert.equal(instanceIds.length, 14);
    assert.equal(balancers.length, 2, "the seeded environment's balancer and the clone's");

    // An afternoon at one-minute to one-hour periods, from a start off the period grid into the future.
    const afternoonQueries = everyQuery(instanceIds, balancers, [60, 300, 3600]);
    const afternoon = await answer(cloud, afternoonQueries, "2026-11-24T12:02:00Z", "2026-11-24T17:30:00Z");
    // Two days at six-hour and one-day periods, where a period's samples are spaced wider than a minute.
    const days = await answer(
      cloud,
      everyQuery(instanceIds, balancers, [21_600, 86_400]),
      "2026-11-23T00:00:00Z",
      "2026-11-25T00:00:00Z",
    );
    const points = [...afternoon, ...days].reduce((sum, s) => sum + s.points.length, 0);
    assert.equal(points, 72_120);
    assert.equal(sha256(answerText(afternoon)), "323963a535def85ce3e5564af9c7838d71c3ff8c5195a79e40367dab50508ce0");
    assert.equal(sha256(answerText(days)), "14eacfbfe68ddb8a9f5b89ee9ff30db9c455946a9577661737f7d7f4f4dcbed0");

    // A few of those values in plain sight: hourly maxima across the changes.
    const hourlyMaxima = (metricName: string, dimension: string) => {
      const index = afternoonQueries.findIndex(
        (q) =>
          q.metricName === metricName &&
          Object.values(q.dimensions).includes(dimension) &&
          Object.keys(q.dimensions).length === 1 &&
          q.period === 3600 &&
          q.stat === "Maximum",
      );
      return afternoon[index]?.points.map((p) => `${p.timestamp.toISOString().slice(11, 16)} ${p.value}`);
    };
    assert.deepEqual(hourlyMaxima("mem_used_percent", ASG_NAME), [
      "12:00 82.3842",
      "13:00 83.1048",
      "14:00 28.629",
      "15:00 34.5902",
      "16:00 35.0114",
      "17:00 34.8521",
    ]);
    assert.deepEqual(hourlyMaxima("ReplicaLag", REPLICA_DB), ["12:00 0.95", "13:00 2", "14:00 1.03", "15:00 1.01"]);
    assert.deepEqual(hourlyMaxima("FreeableMemory", "fastier-db-golden"), [
      "15:00 1932735283",
      "16:00 1932735283",
      "17:00 1932735283",
    ]);
    assert.deepEqual(hourlyMaxima("DatabaseConnections", PRIMARY_DB), [
      "12:00 73",
      "13:00 117",
      "14:00 131",
      "15:00 179",
      "16:00 184",
      "17:00 184",
    ]);
    assert.deepEqual(hourlyMaxima("UnHealthyHostCount", balancers[0]?.loadBalancerDimension ?? ""), [
      "12:00 0",
      "13:00 2",
      "14:00 0",
      "15:00 0",
      "16:00 0",
      "17:00 0",
    ]);
    assert.deepEqual(hourlyMaxima("RequestCount", balancers[1]?.loadBalancerDimension ?? ""), ["14:00 3039"]);
  });
});
