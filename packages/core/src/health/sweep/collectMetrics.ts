import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { MetricQuery, MetricSeries } from "../../cloud/cloudTypes.ts";
import { metricBatchesOf } from "../../cloud/metricBatches.ts";

export interface FailedMetricBatch {
  queries: number;
  error: string;
  retryable: boolean;
}

/** One GetMetricData batch's answer, handed on before the next batch is fetched. */
export interface CollectedBatch {
  queries: MetricQuery[];
  /** Empty when the cloud refused the batch. */
  series: MetricSeries[];
  failure: FailedMetricBatch | null;
}

export interface CollectionSummary {
  /** Cloud calls made (GetMetricData requests, pages included). */
  calls: number;
  /** Batches the cloud refused; their queries have no series, the rest are complete. */
  failures: FailedMetricBatch[];
  /** Wall-clock time spent waiting on the cloud. */
  cloudMs: number;
}

/**
 * Fetches a sweep's queries batch by batch (≤ 500 queries and ≤ 100,800
 * datapoints each) and hands each batch to `onBatch` before fetching the
 * next, so a fleet's datapoints (and, from a lazy iterable, its queries) are never all in memory at once. A batch the
 * cloud refuses costs only its own series: it is reported and the rest are
 * still collected.
 */
export async function collectMetrics(
  cloud: CloudPort,
  queries: Iterable<MetricQuery>,
  window: { start: Date; end: Date },
  onBatch: (batch: CollectedBatch) => Promise<void> | void,
): Promise<CollectionSummary> {
  const summary: CollectionSummary = { calls: 0, failures: [], cloudMs: 0 };
  for (const batch of metricBatchesOf(queries, window.start, window.end)) {
    const started = performance.now();
    let collected: CollectedBatch;
    try {
      const result = await cloud.metrics.getMetricData({ queries: batch, start: window.start, end: window.end });
      summary.calls += result.calls;
      collected = { queries: batch, series: result.series, failure: null };
    } catch (error) {
      if (!isCloudError(error)) throw error;
      summary.calls += 1;
      const failure = { queries: batch.length, error: error.message, retryable: error.retryable };
      summary.failures.push(failure);
      collected = { queries: batch, series: [], failure };
    } finally {
      summary.cloudMs += performance.now() - started;
    }
    await onBatch(collected);
  }
  return summary;
}
