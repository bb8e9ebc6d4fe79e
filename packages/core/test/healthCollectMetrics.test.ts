import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud, type ManualClock } from "@fastier/cloud";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import {
  ASG_NAME,
  CloudError,
  type CloudPort,
  collectMetrics,
  type MetricSeries,
  queryIndexOf,
  type Resource,
  sweepQueryPlan,
} from "../src/index.ts";

const resource = (kind: Resource["kind"], cloudId: string, extra: Partial<Resource> = {}) =>
  ({ id: `r-${cloudId}`, kind, cloudId, status: "active", database: null, ...extra }) as Resource;

describe("a sweep's metric queries and their collection", () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let cloud: CloudPort;
  before(async () => {
    db = await createTestDatabase();
    // Late afternoon UTC: the daily peak of the simulator's load model.
    clock = createManualClock(new Date("2026-11-25T17:30:00Z"));
    cloud = createSimCloud({ pool: db.pool, clock });
  });
  after(() => db.drop());

  it("asks for memory and CPU of groups and instances, and memory, lag, connections and CPU of databases", () => {
    const plan = sweepQueryPlan([
      resource("auto_scaling_group", ASG_NAME),
      resource("instance", "i-1"),
      resource("db_instance", "db", { database: { role: "primary" } as Resource["database"] }),
      resource("db_instance", "replica", { database: { role: "replica" } as Resource["database"] }),
      resource("s3_bucket", "bucket"),
      resource("instance", "i-gone", { status: "gone" }),
    ]);
    const queries = [...plan.queries()];
    assert.equal(plan.size, queries.length);
    assert.equal(queries.length, 4 + 4 + 6 + 7);
    assert.equal(new Set(queries.map((q) => q.id)).size, queries.length);
    const group = queries
      .filter((q) => q.dimensions.AutoScalingGroupName === ASG_NAME)
      .map((q) => `${q.metricName}/${q.stat}`);
    assert.deepEqual(group, [
      "mem_used_percent/Maximum",
      "mem_used_percent/Average",
      "CPUUtilization/Maximum",
      "CPUUtilization/Average",
    ]);
    assert.ok(
      queries.some(
        (q) => q.metricName === "ReplicaLag" && q.dimensions.DBInstanceIdentifier === "replica" && q.period === 60,
      ),
    );
    assert.ok(!queries.some((q) => q.metricName === "ReplicaLag" && q.dimensions.DBInstanceIdentifier === "db"));
    assert.equal(plan.subjectAt(0).resourceId, `r-${ASG_NAME}`);
    for (const query of queries) {
      const subject = plan.subjectAt(queryIndexOf(query));
      const asked = [query.metricName, query.stat, query.period];
      assert.deepEqual([subject.metricName, subject.stat, subject.period], asked, "a query's id leads to its subject");
    }
    assert.equal(plan.subjectAt(queries.length - 1).resourceId, "r-replica");
    assert.deepEqual(
      [...plan.queryCounts()],
      [
        [`r-${ASG_NAME}`, 4],
        ["r-i-1", 4],
        ["r-db", 6],
        ["r-replica", 7],
      ],
    );
  });

  it("collects the group's memory at the daily peak in one call", async () => {
    const plan = sweepQueryPlan([resource("auto_scaling_group", ASG_NAME)]);
    const queries = [...plan.queries()];
    const end = clock.now();
    const series = new Map<string, MetricSeries>();
    const collected = await collectMetrics(
      cloud,
      queries,
      { start: new Date(end.getTime() - 30 * 60_000), end },
      (b) => {
        for (const s of b.series) series.set(s.id, s);
      },
    );
    assert.equal(collected.calls, 1);
    assert.deepEqual(collected.failures, []);
    const maxId = queries.find((q) => q.metricName === "mem_used_percent" && q.stat === "Maximum")?.id;
    const points = series.get(maxId ?? "")?.points ?? [];
    assert.ok(points.length >= 5, `${points.length} points`);
    assert.ok(
      points.every((p) => p.value >= 85),
      "2 × t3.medium are under memory pressure at peak",
    );
  });

  it("splits into calls of 500 queries and keeps going when one batch is refused", async () => {
    const instances = Array.from({ length: 300 }, (_, i) => resource("instance", `i-${i}`));
    const queries = [...sweepQueryPlan(instances).queries()];
    assert.equal(queries.length, 1_200);
    let call = 0;
    const flaky: CloudPort = {
      ...cloud,
      provider: cloud.provider,
      region: cloud.region,
      metrics: {
        getMetricData: async (request) => {
          call += 1;
          if (call === 2) throw new CloudError("throttled", "Rate exceeded", { providerCode: "Throttling" });
          return cloud.metrics.getMetricData(request);
        },
      },
    };
    const end = clock.now();
    const batchSizes: [number, number, boolean][] = [];
    const collected = await collectMetrics(
      flaky,
      queries,
      { start: new Date(end.getTime() - 15 * 60_000), end },
      (b) => {
        batchSizes.push([b.queries.length, b.series.length, b.failure !== null]);
      },
    );
    assert.equal(collected.calls, 3, "ceil(1200 / 500) calls");
    assert.deepEqual(collected.failures, [{ queries: 500, error: "Rate exceeded", retryable: true }]);
    assert.deepEqual(batchSizes, [
      [500, 500, false],
      [500, 0, true],
      [200, 200, false],
    ]);
  });
});
