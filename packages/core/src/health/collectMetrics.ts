import { isCloudError } from "../cloud/cloudErrors.ts";
import type { CloudPort } from "../cloud/cloudPort.ts";
import type { MetricQuery, MetricSeries } from "../cloud/cloudTypes.ts";
import { planMetricBatches } from "../cloud/metricBatches.ts";

export interface FailedMetricBatch {
  queries: number;
  error: string;
  retryable: boolean;
}

export interface CollectedMetrics {
  /** By query id. */
  series: Map<string, MetricSeries>;
  /** Cloud calls made (GetMetricData requests, pages included). */
  calls: number;
  /** Batches the cloud refused; their queries have no series, the rest are complete. */
  failures: FailedMetricBatch[];
}

/**
 * Fetches a sweep's queries batch by batch (≤ 500 queries and ≤ 100,800
 * datapoints each), so that a batch the cloud refuses costs only its own
 * series: the others are still collected and the failure is reported.
 */
export async function collectMetrics(
  cloud: CloudPort,
  queries: MetricQuery[],
  start: Date,
  end: Date,
): Promise<CollectedMetrics> {
  const collected: CollectedMetrics = { series: new Map(), calls: 0, failures: [] };
  for (const batch of planMetricBatches(queries, start, end)) {
    try {
      const result = await cloud.metrics.getMetricData({ queries: batch, start, end });
      collected.calls += result.calls;
      for (const series of result.series) collected.series.set(series.id, series);
    } catch (error) {
      if (!isCloudError(error)) throw error;
      collected.calls += 1;
      collected.failures.push({ queries: batch.length, error: error.message, retryable: error.retryable });
    }
  }
  return collected;
}
