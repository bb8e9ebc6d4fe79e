import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataOutput } from "@aws-sdk/client-cloudwatch";
import { CloudError, type MetricQuery } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, mockedCloud } from "./mockedCloud.ts";

const start = new Date("2025-01-01T12:00:00Z");
const end = new Date("2025-01-01T13:00:00Z");
const at = (minute: number) => new Date(start.getTime() + minute * 60_000);

const query = (id: string, instanceId = `i-${id}`): MetricQuery => ({
  id,
  namespace: "CWAgent",
  metricName: "mem_used_percent",
  dimensions: { InstanceId: instanceId, AutoScalingGroupName: "web" },
  period: 300,
  stat: "Maximum",
});

describe("AWS adapter: GetMetricData paging and merging (aws-sdk-client-mock)", () => {
  const client = new CloudWatchClient(MOCK_CLIENT_CONFIG);
  const mock = mockClient(client);
  const cloud = () => mockedCloud({ cloudWatch: client });

  beforeEach(() => mock.reset());

  function answer(pages: GetMetricDataOutput[]) {
    let call = 0;
    mock.on(GetMetricDataCommand).callsFake(() => pages[call++] ?? {});
  }

  it("follows NextToken, merges each query's points across pages and sorts them oldest first", async () => {
    answer([
      {
        MetricDataResults: [
          { Id: "a", Timestamps: [at(50), at(55)], Values: [71, 72], StatusCode: "PartialData" },
          { Id: "b", Timestamps: [at(55)], Values: [40], StatusCode: "Complete" },
        ],
        NextToken: "page-2",
      },
      {
        MetricDataResults: [{ Id: "a", Timestamps: [at(0), at(5)], Values: [60, 61], StatusCode: "Complete" }],
      },
    ]);
    const result = await cloud().metrics.getMetricData({ queries: [query("a"), query("b")], start, end });

    assert.equal(result.calls, 2);
    assert.deepEqual(result.series, [
      {
        id: "a",
        points: [
          { timestamp: at(0), value: 60 },
          { timestamp: at(5), value: 61 },
          { timestamp: at(50), value: 71 },
          { timestamp: at(55), value: 72 },
        ],
        complete: true,
      },
      { id: "b", points: [{ timestamp: at(55), value: 40 }], complete: true },
    ]);
    const inputs = mock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
    const expectedQueries = ["a", "b"].map((id) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: "CWAgent",
          MetricName: "mem_used_percent",
          Dimensions: [
            { Name: "AutoScalingGroupName", Value: "web" },
            { Name: "InstanceId", Value: `i-${id}` },
          ],
        },
        Period: 300,
        Stat: "Maximum",
      },
      ReturnData: true,
    }));
    assert.deepEqual(inputs, [
      { MetricDataQueries: expectedQueries, StartTime: start, EndTime: end, ScanBy: "TimestampAscending" },
      {
        MetricDataQueries: expectedQueries,
        StartTime: start,
        EndTime: end,
        ScanBy: "TimestampAscending",
        NextToken: "page-2",
      },
    ]);
  });

  it("marks a series incomplete when its last page says PartialData or InternalError", async () => {
    answer([
      {
        MetricDataResults: [
          { Id: "a", Timestamps: [at(0)], Values: [50], StatusCode: "PartialData" },
          { Id: "b", Timestamps: [], Values: [], StatusCode: "InternalError" },
          { Id: "c", Timestamps: [at(0)], Values: [10], StatusCode: "Complete" },
        ],
      },
    ]);
    const result = await cloud().metrics.getMetricData({ queries: [query("a"), query("b"), query("c")], start, end });
    assert.deepEqual(
      result.series.map((s) => [s.id, s.complete, s.message]),
      [
        ["a", false, "status PartialData"],
        ["b", false, "status InternalError"],
        ["c", true, undefined],
      ],
    );
    assert.deepEqual(result.series[0]?.points, [{ timestamp: at(0), value: 50 }], "partial points are still returned");
  });

  it("marks series incomplete when CloudWatch reports messages for them or for the call", async () => {
    answer([
      {
        MetricDataResults: [
          {
            Id: "a",
            Timestamps: [],
            Values: [],
            StatusCode: "Complete",
            Messages: [{ Code: "Forbidden", Value: "no access to namespace" }],
          },
        ],
        Messages: [{ Code: "MaxQueryTimeRangeExceed", Value: "window too long" }],
      },
    ]);
    const result = await cloud().metrics.getMetricData({ queries: [query("a"), query("b")], start, end });
    assert.deepEqual(
      result.series.map((s) => [s.id, s.complete, s.message]),
      [
        ["a", false, "Forbidden: no access to namespace; MaxQueryTimeRangeExceed: window too long"],
        ["b", false, "status missing; MaxQueryTimeRangeExceed: window too long"],
      ],
    );
  });

  it("reports a query CloudWatch said nothing about as incomplete", async () => {
    answer([{ MetricDataResults: [{ Id: "a", Timestamps: [], Values: [], StatusCode: "Complete" }] }]);
    const result = await cloud().metrics.getMetricData({ queries: [query("a"), query("b")], start, end });
    assert.deepEqual(result.series[1], {
      id: "b",
      points: [],
      complete: false,
      message: "no result returned for this query",
    });
  });

  it("sends at most 500 queries and 100,800 datapoints per call", async () => {
    mock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: { Id: string }[] }) => ({
      MetricDataResults: input.MetricDataQueries.map((q) => ({
        Id: q.Id,
        Timestamps: [],
        Values: [],
        StatusCode: "Complete",
      })),
    }));
    const many = Array.from({ length: 1001 }, (_, index) => query(`m${index}`));
    const short = await cloud().metrics.getMetricData({ queries: many, start, end });
    assert.equal(short.calls, 3);
    assert.deepEqual(
      mock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input.MetricDataQueries?.length),
      [500, 500, 1],
    );

    mock.resetHistory();
    // A week at five-minute periods is 2,016 points a query: 50 fill one call.
    const week = { start: new Date(end.getTime() - 7 * 24 * 3_600_000), end };
    const long = await cloud().metrics.getMetricData({ queries: many.slice(0, 120), ...week });
    assert.equal(long.calls, 3);
    assert.deepEqual(
      mock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input.MetricDataQueries?.length),
      [50, 50, 20],
    );
    assert.ok(long.series.every((s) => s.complete));
  });

  it("makes no call for no queries", async () => {
    const result = await cloud().metrics.getMetricData({ queries: [], start, end });
    assert.deepEqual(result, { series: [], calls: 0 });
    assert.equal(mock.commandCalls(GetMetricDataCommand).length, 0);
  });

  it("refuses an impossible request as invalid_request before calling", async () => {
    await assert.rejects(
      cloud().metrics.getMetricData({ queries: [query("a"), query("a")], start, end }),
      (error: unknown) =>
        error instanceof CloudError && error.kind === "invalid_request" && /used twice/.test(error.message),
    );
    const year = new Date(end.getTime() - 366 * 24 * 3_600_000);
    await assert.rejects(
      cloud().metrics.getMetricData({ queries: [{ ...query("a"), period: 60 }], start: year, end }),
      (error: unknown) => error instanceof CloudError && error.kind === "invalid_request",
    );
    assert.equal(mock.commandCalls(GetMetricDataCommand).length, 0);
  });
});
