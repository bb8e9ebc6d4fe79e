import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { type CloudPort, MAX_QUERIES_PER_CALL, type MetricQuery } from "@fastier/core";
import { motoCloud, motoConfig } from "./motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "./motoServer.ts";

const GROUP = "awseb-e-fastier-prod-AWSEBAutoScalingGroup";
const INSTANCES = 1001;
const MINUTE = 60_000;

const TWO_SAMPLE_INSTANCES = 20;

const instanceId = (index: number) => `i-${index.toString(16).padStart(17, "0")}`;

/** CloudWatch agent memory metric, as the agent on a Beanstalk instance publishes it. */
function memoryQuery(id: string, dimensions: Record<string, string>): MetricQuery {
  return { id, namespace: "CWAgent", metricName: "mem_used_percent", dimensions, period: 60, stat: "Average" };
}

describe("AWS adapter: CloudWatch metrics against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let cloudWatch: CloudWatchClient;
  let cloud: CloudPort;
  /** Queries per GetMetricData request, as the injected client saw them. */
  const requests: number[] = [];
  const now = Date.now();
  const older = new Date(now - 10 * MINUTE);
  const newer = new Date(now - 5 * MINUTE);
  const valueAt = (index: number, timestamp: Date) => (index % 90) + (timestamp === newer ? 5 : 0);

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    cloudWatch = new CloudWatchClient(motoConfig(moto));
    cloudWatch.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetMetricDataCommand") {
          requests.push((args.input as { MetricDataQueries: unknown[] }).MetricDataQueries.length);
        }
        return next(args);
      },
      { step: "initialize", name: "countGetMetricDataRequests" },
    );
    const data: MetricDatum[] = [];
    for (let index = 0; index < INSTANCES; index++) {
      // Newer sample sent first: the adapter must still return points oldest first. Only some
      // instances get two samples, because moto scans every datapoint for every query.
      const samples = index < TWO_SAMPLE_INSTANCES ? [newer, older] : [newer];
      for (const timestamp of samples) {
        data.push({
          MetricName: "mem_used_percent",
          Dimensions: [{ Name: "InstanceId", Value: instanceId(index) }],
          Timestamp: timestamp,
          Value: valueAt(index, timestamp),
          Unit: "Percent",
        });
      }
    }
    data.push({
      MetricName: "mem_used_percent",
      Dimensions: [{ Name: "AutoScalingGroupName", Value: GROUP }],
      Timestamp: newer,
      Value: 87.5,
      Unit: "Percent",
    });
    // moto cannot read the gzip bodies the SDK sends for large PutMetricData requests.
    const publisher = new CloudWatchClient({ ...motoConfig(moto), disableRequestCompression: true });
    for (let start = 0; start < data.length; start += 500) {
      await publisher.send(
        new PutMetricDataCommand({ Namespace: "CWAgent", MetricData: data.slice(start, start + 500) }),
      );
    }
    cloud = motoCloud(moto, { cloudWatch });
  });
  after(() => moto?.stop());

  it("splits more than 500 queries into calls of at most 500 and returns every series", async () => {
    requests.length = 0;
    const queries = [
      memoryQuery("group", { AutoScalingGroupName: GROUP }),
      ...Array.from({ length: INSTANCES }, (_, index) => memoryQuery(`m${index}`, { InstanceId: instanceId(index) })),
    ];
    const result = await cloud.metrics.getMetricData({
      queries,
      start: new Date(now - 60 * MINUTE),
      end: new Date(now),
    });

    const expectedCalls = Math.ceil(queries.length / MAX_QUERIES_PER_CALL);
    assert.equal(expectedCalls, 3);
    assert.equal(result.calls, expectedCalls);
    assert.deepEqual(requests, [500, 500, 2]);

    assert.deepEqual(
      result.series.map((s) => s.id),
      queries.map((q) => q.id),
    );
    const group = result.series[0];
    assert.deepEqual(
      group?.points.map((p) => p.value),
      [87.5],
    );
    assert.ok(Math.abs((group?.points[0]?.timestamp.getTime() ?? 0) - newer.getTime()) < 1000);
    for (let index = 0; index < INSTANCES; index++) {
      const series = result.series[index + 1];
      assert.equal(series?.complete, true, `series m${index} is complete`);
      const expected = index < TWO_SAMPLE_INSTANCES ? [older, newer] : [newer];
      assert.deepEqual(
        series?.points.map((p) => p.value),
        expected.map((timestamp) => valueAt(index, timestamp)),
        `series m${index} has its samples, oldest first`,
      );
    }
  });

  it("returns an empty, complete series for a metric without data", async () => {
    const result = await cloud.metrics.getMetricData({
      queries: [memoryQuery("nothing", { InstanceId: "i-0000000000000dead" })],
      start: new Date(now - 60 * MINUTE),
      end: new Date(now),
    });
    assert.equal(result.calls, 1);
    assert.deepEqual(result.series, [{ id: "nothing", points: [], complete: true }]);
  });
});
