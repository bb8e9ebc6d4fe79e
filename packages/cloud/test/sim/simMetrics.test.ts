import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ASG_NAME,
  type CloudPort,
  FASTIER_PRODUCTION_RESOURCES,
  type MetricQuery,
  PRIMARY_DB,
  REPLICA_DB,
} from "@fastier/core";
import { HOUR, MINUTE, openSimWorld, rejectsWith } from "./simTestWorld.ts";

const SEEDED_INSTANCE = FASTIER_PRODUCTION_RESOURCES.find((r) => r.kind === "instance")?.cloudId as string;
const NOON = new Date("2026-11-24T12:00:00.000Z");
const at = (time: string) => new Date(`2026-11-24T${time}:00.000Z`);

const groupMemory = (id: string, stat: MetricQuery["stat"] = "Average"): MetricQuery => ({
  id,
  namespace: "CWAgent",
  metricName: "mem_used_percent",
  dimensions: { AutoScalingGroupName: ASG_NAME },
  period: 300,
  stat,
});

async function values(cloud: CloudPort, query: MetricQuery, start: Date, end: Date) {
  const result = await cloud.metrics.getMetricData({ queries: [query], start, end });
  const series = result.series[0];
  assert.ok(series?.complete);
  return series.points;
}

describe("simulated CloudWatch metrics", () => {
  it("shows 2 × t3.medium over 85% for several periods at the peak and under 75% off-peak", async () => {
    const { cloud, clock } = await openSimWorld({ start: NOON });
    clock.set(at("23:00"));
    const peak = await values(cloud, groupMemory("mem"), at("15:00"), at("19:00"));
    assert.equal(peak.length, 48);
    let run = 0;
    let longest = 0;
    for (const point of peak) {
      run = point.value >= 85 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    assert.ok(longest >= 3, `longest stretch at or over 85%: ${longest} periods`);
    const offPeak = await values(cloud, groupMemory("mem"), at("04:00"), at("07:00"));
    assert.ok(
      offPeak.every((p) => p.value < 75 && p.value > 50),
      offPeak.map((p) => p.value).join(", "),
    );
    const maxima = await values(cloud, groupMemory("mem", "Maximum"), at("16:00"), at("18:00"));
    const averages = await values(cloud, groupMemory("mem"), at("16:00"), at("18:00"));
    for (const [i, point] of maxima.entries()) assert.ok(point.value >= (averages[i]?.value ?? 0));
  });

  it("lowers memory per instance after a scale-out: 4 instances at the same peak time stay under 65%", async () => {
    const { open, clock } = await openSimWorld({ start: NOON });
    const two = open({ accountId: "two-instances" });
    const four = open({ accountId: "four-instances" });
    await two.autoScaling.describeGroups();
    await four.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    clock.set(at("20:00"));
    const withTwo = await values(two, groupMemory("mem"), at("16:00"), at("18:00"));
    const withFour = await values(four, groupMemory("mem", "Maximum"), at("16:00"), at("18:00"));
    assert.equal(withTwo.length, withFour.length);
    withFour.forEach((point, i) => {
      assert.ok(point.value < 65, `4 instances at ${point.timestamp.toISOString()}: ${point.value}%`);
      assert.ok(point.value < (withTwo[i]?.value ?? 0) - 20, "markedly less than with 2 instances");
    });
    assert.ok(withTwo.some((p) => p.value >= 85));
  });

  it("divides the load over the instances in service at each time, before and after a scale-out", async () => {
    const { cloud, open, clock } = await openSimWorld({ start: at("16:00") });
    const unchanged = open({ accountId: "unchanged" });
    await unchanged.autoScaling.describeGroups();
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    clock.set(at("17:00"));
    const scaled = await values(cloud, groupMemory("mem"), at("15:00"), at("17:00"));
    const baseline = await values(unchanged, groupMemory("mem"), at("15:00"), at("17:00"));
    const before = scaled.filter((p) => p.timestamp < at("16:00"));
    assert.equal(before.length, 12);
    for (const [i, point] of before.entries())
      assert.equal(point.value, baseline[i]?.value, "history is not rewritten");
    const settled = scaled.filter((p) => p.timestamp >= at("16:05"));
    settled.forEach((point) => {
      const same = baseline.find((b) => b.timestamp.getTime() === point.timestamp.getTime());
      assert.ok(point.value < (same?.value ?? 0) - 15);
    });

    const [group] = await cloud.autoScaling.describeGroups([ASG_NAME]);
    const newest = group?.instances.find((i) => !i.instanceId.startsWith("i-0fa57e"));
    const perInstance = await values(
      cloud,
      { ...groupMemory("one"), dimensions: { InstanceId: newest?.instanceId as string } },
      at("15:00"),
      at("17:00"),
    );
    assert.ok(perInstance.length > 0 && perInstance.length <= 12, "data only since it entered service");
    assert.ok((perInstance[0]?.timestamp.getTime() ?? 0) >= at("16:00").getTime());
  });

  it("batches like GetMetricData: 1,200 queries take 3 calls, answered in order", async () => {
    const { cloud, clock } = await openSimWorld({ start: NOON });
    const queries = Array.from({ length: 1200 }, (_, i) => ({ ...groupMemory(`q${i}`), period: 60 }));
    const result = await cloud.metrics.getMetricData({
      queries,
      start: new Date(NOON.getTime() - HOUR),
      end: NOON,
    });
    assert.equal(result.calls, 3);
    assert.deepEqual(
      result.series.map((s) => s.id),
      queries.map((q) => q.id),
    );
    assert.ok(result.series.every((s) => s.points.length === 60));
    clock.advance(MINUTE);
    // A week at one-minute resolution is 10,080 points per query: ten fill a call, so 25 need 3.
    const week = Array.from({ length: 25 }, (_, i) => ({ ...groupMemory(`w${i}`), period: 60 }));
    const long = await cloud.metrics.getMetricData({
      queries: week,
      start: new Date(NOON.getTime() - 7 * 24 * HOUR),
      end: NOON,
    });
    assert.equal(long.calls, 3);
  });

  it("has no data for the future and none for unknown metrics or dimensions", async () => {
    const { cloud } = await openSimWorld({ start: NOON });
    const points = await values(cloud, groupMemory("mem"), at("11:00"), at("14:00"));
    assert.ok(points.length > 0);
    assert.ok(points.every((p) => p.timestamp.getTime() <= NOON.getTime()));
    assert.equal(points.at(-1)?.timestamp.getTime(), NOON.getTime(), "the current period holds what is in so far");

    const unknown: MetricQuery[] = [
      { ...groupMemory("nometric"), metricName: "disk_used_percent" },
      { ...groupMemory("nogroup"), dimensions: { AutoScalingGroupName: "other-group" } },
      { ...groupMemory("extradim"), dimensions: { AutoScalingGroupName: ASG_NAME, InstanceType: "t3.medium" } },
      { ...groupMemory("noinstance"), dimensions: { InstanceId: "i-0000000000000000" } },
      {
        ...groupMemory("nodb"),
        namespace: "AWS/RDS",
        metricName: "FreeableMemory",
        dimensions: { DBInstanceIdentifier: "x" },
      },
    ];
    const result = await cloud.metrics.getMetricData({ queries: unknown, start: at("11:00"), end: at("12:00") });
    assert.ok(result.series.every((s) => s.points.length === 0 && s.complete));
  });

  it("refuses malformed requests", async () => {
    const { cloud } = await openSimWorld({ start: NOON });
    const window = { start: at("11:00"), end: at("12:00") };
    await rejectsWith(
      cloud.metrics.getMetricData({ queries: [{ ...groupMemory("odd"), period: 90 }], ...window }),
      "invalid_request",
      "multiple of 60",
    );
    await rejectsWith(
      cloud.metrics.getMetricData({ queries: [groupMemory("dup"), groupMemory("dup")], ...window }),
      "invalid_request",
      "used twice",
    );
    await rejectsWith(cloud.metrics.getMetricData({ queries: [groupMemory("Upper")], ...window }), "invalid_request");
    await rejectsWith(
      cloud.metrics.getMetricData({ queries: [groupMemory("back")], start: window.end, end: window.start }),
      "invalid_request",
    );
    await rejectsWith(
      cloud.metrics.getMetricData({
        queries: [{ ...groupMemory("long"), period: 60 }],
        start: new Date(NOON.getTime() - 80 * 24 * HOUR),
        end: NOON,
      }),
      "invalid_request",
      "datapoints",
    );
  });

  it("serves EC2 CPU and the RDS metrics, with replica lag only while replicating", async () => {
    const { cloud, clock } = await openSimWorld({ start: NOON });
    const rds = (id: string, metricName: string, db: string): MetricQuery => ({
      id,
      namespace: "AWS/RDS",
      metricName,
      dimensions: { DBInstanceIdentifier: db },
      period: 300,
      stat: "Average",
    });
    const { series } = await cloud.metrics.getMetricData({
      queries: [
        { ...groupMemory("cpu"), namespace: "AWS/EC2", metricName: "CPUUtilization" },
        {
          ...groupMemory("cpu1"),
          namespace: "AWS/EC2",
          metricName: "CPUUtilization",
          dimensions: { InstanceId: SEEDED_INSTANCE },
        },
        rds("free", "FreeableMemory", PRIMARY_DB),
        rds("conns", "DatabaseConnections", PRIMARY_DB),
        rds("replicaconns", "DatabaseConnections", REPLICA_DB),
        rds("dbcpu", "CPUUtilization", PRIMARY_DB),
        rds("lag", "ReplicaLag", REPLICA_DB),
        rds("primarylag", "ReplicaLag", PRIMARY_DB),
      ],
      start: at("10:00"),
      end: at("12:00"),
    });
    const byId = Object.fromEntries(series.map((s) => [s.id, s.points.map((p) => p.value)]));
    const within = (id: string, low: number, high: number) => {
      assert.ok((byId[id]?.length ?? 0) > 0, `${id} has data`);
      assert.ok(
        byId[id]?.every((v) => v >= low && v <= high),
        `${id}: ${byId[id]?.join(", ")}`,
      );
    };
    within("cpu", 5, 100);
    within("cpu1", 5, 100);
    within("free", 0.05 * 4 * 1024 ** 3, 4 * 1024 ** 3);
    within("conns", 5, 200);
    within("dbcpu", 1, 100);
    within("lag", 0, 5);
    assert.ok((byId.conns?.[0] ?? 0) > (byId.replicaconns?.[0] ?? 0), "the writer has the app's connections");
    assert.deepEqual(byId.primarylag, [], "a primary publishes no ReplicaLag");

    await cloud.databases.promoteReadReplica(REPLICA_DB);
    clock.set(at("13:00"));
    const after = await values(cloud, rds("lag", "ReplicaLag", REPLICA_DB), at("11:00"), at("13:00"));
    assert.ok(after.length > 0);
    assert.ok(
      after.every((p) => p.timestamp.getTime() < NOON.getTime() + 3 * MINUTE),
      "lag stops with promotion",
    );
  });
});
