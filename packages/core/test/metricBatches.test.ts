import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_DATAPOINTS_PER_CALL, type MetricQuery, planMetricBatches } from "../src/index.ts";

const query = (i: number, period = 300): MetricQuery => ({
  id: `q${i}`,
  namespace: "CWAgent",
  metricName: "mem_used_percent",
  dimensions: { InstanceId: `i-${i}` },
  period,
  stat: "Maximum",
});
const start = new Date("2026-11-25T00:00:00Z");
const hourLater = new Date("2026-11-25T01:00:00Z");

describe("GetMetricData batching", () => {
  it("puts at most 500 queries in a call", () => {
    const batches = planMetricBatches(
      Array.from({ length: 1201 }, (_, i) => query(i)),
      start,
      hourLater,
    );
    assert.deepEqual(
      batches.map((b) => b.length),
      [500, 500, 201],
    );
    assert.deepEqual(
      batches.flat().map((q) => q.id),
      Array.from({ length: 1201 }, (_, i) => `q${i}`),
    );
  });

  it("keeps each call within 100,800 datapoints", () => {
    // A week at 60 s is 10,080 points per query: ten queries fill a call.
    const weekLater = new Date(start.getTime() + 7 * 24 * 3600 * 1000);
    const batches = planMetricBatches(
      Array.from({ length: 25 }, (_, i) => query(i, 60)),
      start,
      weekLater,
    );
    assert.deepEqual(
      batches.map((b) => b.length),
      [10, 10, 5],
    );
    for (const batch of batches) assert.ok(batch.length * 10_080 <= MAX_DATAPOINTS_PER_CALL);
  });

  it("refuses duplicate ids and a single query over the limit", () => {
    assert.throws(() => planMetricBatches([query(1), query(1)], start, hourLater), /used twice/);
    const yearLater = new Date(start.getTime() + 365 * 24 * 3600 * 1000);
    assert.throws(() => planMetricBatches([query(1, 60)], start, yearLater), /shorten the window/);
  });
});
