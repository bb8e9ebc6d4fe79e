import { GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { CloudError, type MetricQuery, type MetricsPort, planMetricBatches } from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";
import { MetricPageMerge } from "./metricPageMerge.ts";

function metricDataQueryOf(query: MetricQuery): MetricDataQuery {
  return {
    Id: query.id,
    MetricStat: {
      Metric: {
        Namespace: query.namespace,
        MetricName: query.metricName,
        Dimensions: Object.entries(query.dimensions)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([Name, Value]) => ({ Name, Value })),
      },
      Period: query.period,
      Stat: query.stat,
    },
    ReturnData: true,
  };
}

function batchesOf(queries: MetricQuery[], start: Date, end: Date): MetricQuery[][] {
  try {
    return planMetricBatches(queries, start, end);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CloudError("invalid_request", message, { service: "cloudwatch", cause: error });
  }
}

export function createAwsMetrics(clients: Pick<AwsClients, "cloudWatch">): MetricsPort {
  return {
    async getMetricData(request) {
      const merge = new MetricPageMerge();
      let calls = 0;
      // Batches go one after another: GetMetricData's per-account rate limit is shared with
      // everything else reading metrics, and a sweep is not latency-bound.
      for (const batch of batchesOf(request.queries, request.start, request.end)) {
        const ids = batch.map((query) => query.id);
        let nextToken: string | undefined;
        do {
          calls += 1;
          const page = await awsCall("cloudwatch", "GetMetricData", () =>
            clients.cloudWatch.send(
              new GetMetricDataCommand({
                MetricDataQueries: batch.map(metricDataQueryOf),
                StartTime: request.start,
                EndTime: request.end,
                ScanBy: "TimestampAscending",
                ...(nextToken ? { NextToken: nextToken } : {}),
              }),
            ),
          );
          merge.addPage(page, ids);
          nextToken = page.NextToken;
        } while (nextToken);
      }
      return {
        series: merge.series(request.queries.map((query) => query.id)),
        calls,
      };
    },
  };
}
