import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudError, type CloudPort, type HealthStore, PRIMARY_DB, runSweep, type SweepRun } from "@fastier/core";
import { createHealthStore, createInventoryStore, LOCK_KEYS } from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import { countStoredSamples, storedSamples } from "./helpers/storedSamples.ts";
import { TO_PEAK_MS } from "./helpers/sweeps.ts";
import { SYSTEM_AUDIT, type SyncedApp, syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

const MINUTE = 60_000;

async function sweep(app: SyncedApp, cloud: CloudPort = app.t.cloud, settings = {}): Promise<SweepRun> {
  const run = await createSweepRunner({ database: app.t.db, cloud, now: () => app.t.clock.now(), settings }).sweepOnce(
    "cli",
  );
  assert.ok(run, "the sweep lock was free");
  return run;
}

const openFindings = (app: SyncedApp) =>
  app.t.db.prisma.finding.findMany({ where: { status: "OPEN" }, include: { resource: true }, orderBy: { id: "asc" } });

/** The simulator with its GetMetricData answers rewritten or refused. */
function withMetrics(cloud: CloudPort, getMetricData: CloudPort["metrics"]["getMetricData"]): CloudPort {
  return { ...cloud, provider: cloud.provider, region: cloud.region, metrics: { getMetricData } };
}

describe("health sweeps: memory pressure on Fastier's group", () => {
  let app: SyncedApp;
  let first: SweepRun;
  before(async () => {
    app = await syncedApp();
    const quiet = await sweep(app);
    assert.equal(quiet.findingsOpened, 0, "no pressure at noon");
    app.t.clock.advance(TO_PEAK_MS);
    await syncFromCloud(app.t, app.envId);
    first = await sweep(app);
  });
  after(() => app.t.close());

  it("reads the inventory's metrics in one batched call and stores the samples", async () => {
    assert.equal(first.status, "succeeded");
    assert.equal(first.resources, 5, "the group, its 2 instances, the primary and the replica");
    assert.equal(first.metricQueries, 4 + 4 + 4 + 6 + 7);
    assert.equal(first.cloudCalls, 1);
    assert.equal(first.windowEnd.toISOString(), "2026-11-25T17:30:00.000Z");
    assert.equal(first.windowStart.toISOString(), "2026-11-25T16:30:00.000Z");
    const stored = await countStoredSamples(app.t.db, {
      resourceId: app.groupId,
      metric: "mem_used_percent",
      stat: "Maximum",
      period: 300,
    });
    assert.equal(stored, 12 + 12, "an hour at noon and an hour at the peak, 5-minute periods");
  });

  it("opens one warning per group and instance, with the datapoints that triggered it", async () => {
    const findings = await openFindings(app);
    assert.deepEqual(findings.map((f) => [f.resource.kind, f.ruleId, f.severity]).sort(), [
      ["AUTO_SCALING_GROUP", "memory_pressure", "WARNING"],
      ["INSTANCE", "memory_pressure", "WARNING"],
      ["INSTANCE", "memory_pressure", "WARNING"],
    ]);
    const group = findings.find((f) => f.resourceId === app.groupId);
    assert.ok(group);
    const evidence = group.evidence as { metric: string; value: number; timestamp: string }[];
    const memory = evidence.filter((p) => p.metric === "mem_used_percent");
    assert.ok(memory.length >= 3, `${memory.length} datapoints`);
    assert.ok(
      memory.every((p) => p.value >= 85),
      JSON.stringify(memory),
    );
    assert.deepEqual(
      evidence.filter((p) => p.metric === "GroupInServiceInstances").map((p) => p.value),
      [2],
    );
    assert.match(group.summary, /85% for 3 periods/);
  });

  it("recommends scaling out to N = ceil(2 × peak ÷ 65), a memory policy and a larger type; none for the instances", async () => {
    const recommendations = await app.t.db.prisma.recommendation.findMany({ orderBy: { kind: "asc" } });
    assert.deepEqual(
      recommendations.map((r) => [r.kind, r.resourceId === app.groupId, r.status]),
      [
        ["add_memory_target_tracking", true, "OPEN"],
        ["rightsize_instance_type", true, "OPEN"],
        ["scale_out", true, "OPEN"],
      ],
    );
    const scaleOut = recommendations.find((r) => r.kind === "scale_out");
    assert.deepEqual(scaleOut?.proposal, { desiredCapacity: 3 });
    assert.deepEqual(scaleOut?.apply, { operationKind: "scale", params: { desiredCapacity: 3 } });
    assert.match(scaleOut?.rationale ?? "", /N = ceil\(2 × 9\d\.\d ÷ 65\) = 3/);
  });

  it("keeps the same findings and recommendations on the next sweep, writing only the new samples", async () => {
    const before = (await openFindings(app)).map((f) => f.id);
    app.t.clock.advance(5 * MINUTE);
    const next = await sweep(app);
    assert.equal(next.findingsOpened, 0);
    assert.equal(next.findingsUpdated, 3);
    assert.equal(next.recommendationsCreated, 0);
    assert.ok(next.samplesWritten < first.samplesWritten / 4, `${next.samplesWritten} vs ${first.samplesWritten}`);
    assert.deepEqual(
      (await openFindings(app)).map((f) => f.id),
      before,
    );
  });
});

describe("health sweeps: faults", () => {
  let app: SyncedApp;
  before(async () => {
    app = await syncedApp();
    app.t.clock.advance(TO_PEAK_MS);
    await syncFromCloud(app.t, app.envId);
  });
  after(() => app.t.close());

  it("records a refused metric batch, leaves open findings alone and carries on", async () => {
    await sweep(app);
    const open = (await openFindings(app)).length;
    app.t.clock.advance(5 * MINUTE);
    const throttled = withMetrics(app.t.cloud, async () => {
      throw new CloudError("throttled", "Rate exceeded", { providerCode: "Throttling" });
    });
    const run = await sweep(app, throttled);
    assert.equal(run.status, "partial");
    assert.deepEqual(run.errors, [{ scope: "metrics", message: "Rate exceeded", queries: 25, retryable: true }]);
    assert.equal(run.findingsResolved, 0, "no data is not a recovery");
    assert.equal((await openFindings(app)).length, open);
  });

  it("marks a sweep that died as interrupted, and the next one completes its work without duplicates", async () => {
    await app.t.db.prisma.finding.deleteMany({});
    app.t.clock.advance(5 * MINUTE);
    const health = createHealthStore(app.t.db);
    const dying: HealthStore = {
      ...health,
      applyFindingChanges: async () => {
        throw new Error("connection lost");
      },
    };
    // A process killed mid-sweep leaves its row running; one that catches the error records it failed.
    const failed = await runSweep({ cloud: app.t.cloud, health: dying, now: () => app.t.clock.now() }, "cli");
    assert.equal(failed.status, "failed");
    assert.equal(failed.error, "connection lost");
    await app.t.db.prisma.healthSweep.update({ where: { id: failed.id }, data: { status: "RUNNING" } });
    assert.equal((await openFindings(app)).length, 0, "nothing applied");

    const redo = await sweep(app);
    assert.equal(redo.findingsOpened, 3);
    assert.ok(failed.samplesWritten > 0, "the sweep that died had stored its samples");
    assert.equal(redo.status, "succeeded", "samples the dead sweep stored are upserted, not inserted again");
    assert.equal(redo.samplesWritten, 0, "the same samples, the same values: nothing to write");
    const abandoned = await app.t.db.prisma.healthSweep.findUnique({ where: { id: failed.id } });
    assert.equal(abandoned?.status, "INTERRUPTED");

    // Two sweeps racing open the same findings: the database keeps one per resource and rule.
    const changes = { toOpen: (await openFindings(app)).map(toNewFinding), toUpdate: [], toResolve: [] };
    const after = await health.applyFindingChanges(redo.id, changes);
    assert.equal(after.length, 3);
  });

  it("skips when another process holds the sweep lock", async () => {
    const holder = await app.t.db.pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [LOCK_KEYS.healthSweep]);
      const run = await createSweepRunner({
        database: app.t.db,
        cloud: app.t.cloud,
        now: () => app.t.clock.now(),
      }).sweepOnce("schedule");
      assert.equal(run, undefined);
    } finally {
      await holder.query("SELECT pg_advisory_unlock($1)", [LOCK_KEYS.healthSweep]);
      holder.release();
    }
  });

  it("prunes samples older than the retention period", async () => {
    const [oldest] = await storedSamples(app.t.db);
    assert.ok(oldest);
    app.t.clock.advance(26 * 60 * MINUTE);
    const run = await sweep(app, app.t.cloud, { retentionDays: 1 });
    assert.ok(run.samplesPruned > 0);
    const left = await countStoredSamples(app.t.db, { until: oldest.timestamp });
    assert.equal(left, 0);
  });

  it("prunes the series of a resource no longer in the inventory, with their samples", async () => {
    // What a resource deleted while a sweep wrote its samples leaves behind.
    const orphan = await app.t.db.prisma.metricSeries.create({
      data: {
        resourceId: "00000000-0000-4000-8000-00000000dead",
        metric: "mem_used_percent",
        stat: "Maximum",
        period: 300,
      },
    });
    await app.t.db.prisma.metricSample.create({
      data: { seriesId: orphan.id, timestamp: app.t.clock.now(), value: 50 },
    });
    const kept = await countStoredSamples(app.t.db);
    app.t.clock.advance(5 * MINUTE);
    const run = await sweep(app);
    assert.equal(run.status, "succeeded");
    assert.equal(await app.t.db.prisma.metricSeries.count({ where: { id: orphan.id } }), 0);
    assert.equal(await app.t.db.prisma.metricSample.count({ where: { seriesId: orphan.id } }), 0);
    assert.equal(run.samplesPruned, 1, "the orphan's one sample, nothing of the inventory's (all within 14 days)");
    assert.ok((await countStoredSamples(app.t.db)) >= kept - 1, "the inventory's samples stay");
  });

  it("deletes a resource's samples with the resource", async () => {
    const [sampled] = await storedSamples(app.t.db);
    assert.ok(sampled);
    const others = await countStoredSamples(app.t.db, { notResourceId: sampled.resourceId });
    await createInventoryStore(app.t.db).deleteResource(sampled.resourceId, undefined, SYSTEM_AUDIT);
    assert.equal(await countStoredSamples(app.t.db, { resourceId: sampled.resourceId }), 0);
    assert.equal(await countStoredSamples(app.t.db), others, "the other resources' samples stay");
    const series = await app.t.db.prisma.metricSeries.count({ where: { resourceId: sampled.resourceId } });
    assert.equal(series, 0, "its series go with it");
  });
});

describe("health sweeps: missing memory metrics and DR gaps", () => {
  let app: SyncedApp;
  before(async () => {
    app = await syncedApp();
  });
  after(() => app.t.close());

  it("flags a group without mem_used_percent (no CloudWatch agent) and recommends installing it", async () => {
    const noAgent = withMetrics(app.t.cloud, async (request) => {
      const result = await app.t.cloud.metrics.getMetricData(request);
      const memory = new Set(request.queries.filter((q) => q.metricName === "mem_used_percent").map((q) => q.id));
      return { ...result, series: result.series.map((s) => (memory.has(s.id) ? { ...s, points: [] } : s)) };
    });
    const run = await sweep(app, noAgent);
    const findings = await openFindings(app);
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.resourceId === app.groupId]),
      [["memory_metrics_missing", true]],
    );
    assert.equal(run.findingsOpened, 1);
    const recommendation = await app.t.db.prisma.recommendation.findFirst({ where: { findingId: findings[0]?.id } });
    assert.equal(recommendation?.kind, "install_cloudwatch_agent");

    // Carried out by hand: the recommendation shows the exact files, and apply's 422 points to them.
    const shown = await app.t.app.inject({
      method: "GET",
      url: `/v1/recommendations/${recommendation?.id}`,
      headers: app.t.auth("viewer"),
    });
    assert.equal(shown.statusCode, 200, shown.body);
    const { manualSteps } = shown.json() as {
      manualSteps: { steps: string[]; files: { path: string; content: string }[] };
    };
    assert.deepEqual(
      manualSteps.files.map((f) => f.path),
      [".ebextensions/90-fastier-memory.config", "/opt/aws/amazon-cloudwatch-agent/etc/fastier-memory.json"],
    );
    const agentConfig = JSON.parse(manualSteps.files[1]?.content ?? "{}");
    assert.deepEqual(agentConfig.metrics.metrics_collected, { mem: { measurement: ["mem_used_percent"] } });
    assert.deepEqual(agentConfig.metrics.aggregation_dimensions, [["AutoScalingGroupName"], ["InstanceId"]]);
    const ebextension = JSON.parse(manualSteps.files[0]?.content ?? "{}");
    assert.equal(
      ebextension.files["/opt/aws/amazon-cloudwatch-agent/etc/fastier-memory.json"].content,
      manualSteps.files[1]?.content,
      "the Beanstalk file installs the same agent configuration",
    );
    const refused = await app.t.app.inject({
      method: "POST",
      url: `/v1/recommendations/${recommendation?.id}/apply`,
      headers: app.t.auth("operator"),
      payload: {},
    });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, "recommendation_not_applicable");
    assert.match(refused.json().detail, /following its manualSteps .*90-fastier-memory\.config/);
    assert.equal(refused.json().manualSteps, `/v1/recommendations/${recommendation?.id}#manualSteps`);

    app.t.clock.advance(5 * MINUTE);
    const back = await sweep(app);
    assert.equal(back.findingsResolved, 1, "resolves once the agent reports");
    const closed = await app.t.db.prisma.recommendation.findUnique({ where: { id: recommendation?.id ?? "" } });
    assert.equal(closed?.status, "SUPERSEDED");
    assert.equal(closed?.closeReason, "finding_resolved");
  });

  it("opens DR-gap findings for a primary without Multi-AZ, and resolves them when fixed", async () => {
    await app.t.cloud.databases.setMultiAz(PRIMARY_DB, false);
    app.t.clock.advance(30 * MINUTE);
    await syncFromCloud(app.t, app.envId);
    await sweep(app);
    const gap = (await openFindings(app)).find((f) => f.ruleId === "db_no_multi_az");
    assert.ok(gap, "db_no_multi_az is open");
    assert.equal(gap.resource.name, PRIMARY_DB);
    const recommendation = await app.t.db.prisma.recommendation.findFirst({ where: { findingId: gap.id } });
    assert.equal(recommendation?.kind, "enable_multi_az");

    await app.t.cloud.databases.setMultiAz(PRIMARY_DB, true);
    app.t.clock.advance(30 * MINUTE);
    await syncFromCloud(app.t, app.envId);
    await sweep(app);
    const resolved = await app.t.db.prisma.finding.findUnique({ where: { id: gap.id } });
    assert.equal(resolved?.status, "RESOLVED");
    assert.match(resolved?.resolution ?? "", /Multi-AZ/);
  });
});

function toNewFinding(row: Awaited<ReturnType<typeof openFindings>>[number]) {
  return {
    ruleId: row.ruleId as "memory_pressure",
    resourceId: row.resourceId,
    severity: "warning" as const,
    status: "open" as const,
    evidence: [],
    summary: row.summary,
    openedAt: row.openedAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: null,
    resolution: null,
  };
}
