import type { GetMetricDataOutput } from "@aws-sdk/client-cloudwatch";
import type { MetricSeries } from "@fastier/core";

interface PartialSeries {
  points: { timestamp: Date; value: number }[];
  /** The status on the last page that mentioned the query: earlier pages say PartialData while more follow. */
  status: string | undefined;
  problems: string[];
}

/**
 * Accumulates GetMetricData pages (several per batch when NextToken is set,
 * several batches per request) into one series per query id.
 */
export class MetricPageMerge {
  private readonly byId = new Map<string, PartialSeries>();

  addPage(page: GetMetricDataOutput, batchIds: readonly string[]): void {
    for (const result of page.MetricDataResults ?? []) {
      if (!result.Id) continue;
      const series = this.seriesOf(result.Id);
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      for (const [index, timestamp] of timestamps.entries()) {
        const value = values[index];
        if (value !== undefined) series.points.push({ timestamp, value });
      }
      series.status = result.StatusCode ?? series.status;
      for (const message of result.Messages ?? []) series.problems.push(`${message.Code}: ${message.Value}`);
    }
    // Call-wide messages (e.g. too many metrics) concern every query the call carried.
    for (const message of page.Messages ?? []) {
      for (const id of batchIds) this.seriesOf(id).problems.push(`${message.Code}: ${message.Value}`);
    }
  }

  series(ids: readonly string[]): MetricSeries[] {
    return ids.map((id) => {
      const found = this.byId.get(id);
      if (!found) return { id, points: [], complete: false, message: "no result returned for this query" };
      const points = [...found.points].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
      const problems = [...found.problems];
      if (found.status !== "Complete") problems.unshift(`status ${found.status ?? "missing"}`);
      return problems.length === 0
        ? { id, points, complete: true }
        : { id, points, complete: false, message: problems.join("; ") };
    });
  }

  private seriesOf(id: string): PartialSeries {
    let series = this.byId.get(id);
    if (!series) {
      series = { points: [], status: undefined, problems: [] };
      this.byId.set(id, series);
    }
    return series;
  }
}
