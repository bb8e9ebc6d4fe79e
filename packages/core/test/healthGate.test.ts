import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, type ManualClock } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import type { CloudPort, ConflictError, StepOutcome } from "../src/index.ts";
import { gateBalancerOf, readGateSignals } from "../src/index.ts";
import { rollbackStage } from "../src/operations/kinds/rollbackStage.ts";
import { startDeployment } from "../src/operations/kinds/startDeployment.ts";
import { countingPipelineCalls, freshSimCloud, PIPELINE_NAME, pipelineTarget } from "./helpers/pipelineTargets.ts";
import { resumeOperation } from "./helpers/rdsTargets.ts";

type Failed = Extract<StepOutcome, { type: "failed" }>;

/** The site's signals now, over the gate's watch window. */
async function siteNow(cloud: CloudPort, clock: ManualClock) {
  const balancer = await cloud.loadBalancers.findForPipeline(PIPELINE_NAME);
  assert.ok(balancer, "the simulator shows the load balancer behind the pipeline");
  return readGateSignals(cloud, gateBalancerOf(balancer), clock.now(), 3);
}

const rollbacksOf = async (cloud: CloudPort) =>
  (await cloud.pipelines.listExecutions(PIPELINE_NAME)).filter((e) => e.trigger === "ManualRollback");

describe("the health gate of a deploy (simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  });
  after(() => db.drop());

  it("shows the baseline and the thresholds in the plan, and passes a healthy deploy after its bake", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const run = await driveOperation(
      startDeployment,
      pipelineTarget,
      { healthGate: { bakeMinutes: 5, max5xxRatio: 0.02 } },
      cloud,
      clock,
    );
    const gate = run.plan.healthGate;
    assert.equal(gate?.enabled, true);
    assert.deepEqual(gate?.thresholds, {
      max5xxRatio: 0.02,
      maxLatencyIncreasePercent: 100,
      unhealthyTargetGraceMinutes: 5,
      bakeMinutes: 5,
    });
    const baseline = gate?.baseline as { ratio5xx: number; requests: number; healthyTargets: number };
    assert.ok(baseline.requests > 0 && baseline.ratio5xx < 0.01, "a healthy site has a small 5xx ratio");
    assert.equal(baseline.healthyTargets, 2);
    assert.match(run.plan.checks.find((c) => c.name === "health gate")?.detail ?? "", /5xx > 2\.00%/);
    assert.equal(run.final.type, "succeeded");
    if (run.final.type === "succeeded") assert.match(run.final.message, /healthy through the 5 min bake/);
    assert.equal((await rollbacksOf(cloud)).length, 0, "nothing was rolled back");
  });

  it("rolls a faulty release back by itself and the site's 5xx ratio returns to the baseline", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const before = await cloud.pipelines.listExecutions(PIPELINE_NAME);
    const lastGood = before.find((e) => e.status === "Succeeded");
    const run = await driveOperation(
      startDeployment,
      pipelineTarget,
      { sourceRevision: "faulty-a1b2c3" },
      cloud,
      clock,
    );

    assert.equal(run.final.type, "failed");
    const final = run.final as Failed;
    assert.equal(final.code, "rolled_back");
    const result = final.result as {
      breach: { signal: string; during: string; observed: number; threshold: number };
      baseline: { ratio5xx: number };
      rollback: { targetExecutionId: string; status: string; sourceRevision: string };
      afterRollback: { ratio5xx: number };
    };
    assert.equal(result.breach.signal, "error_rate");
    assert.equal(result.breach.during, "deploy", "caught while the deploy stage rolled out");
    assert.ok(result.breach.observed > 0.05 && result.breach.threshold === 0.05);
    assert.equal(result.rollback.status, "Succeeded");
    assert.equal(result.rollback.targetExecutionId, lastGood?.executionId);
    assert.equal(result.rollback.sourceRevision, lastGood?.sourceRevision);
    assert.match(
      final.message,
      /5xx ratio .* is over the 5\.00% allowed; baseline [0-9.]+%; rolled Deploy back to execution .*: rollback .* Succeeded/,
    );
    const ours = await cloud.pipelines.getExecution(PIPELINE_NAME, run.operation.state.executionId as string);
    assert.equal(ours.status, "Stopped", "the faulty deploy was stopped before the rollback");
    assert.equal((await rollbacksOf(cloud)).length, 1);

    clock.advance(5 * 60_000);
    const site = await siteNow(cloud, clock);
    assert.ok(site.ratio5xx !== null && site.ratio5xx < 0.01, `back to the baseline: ${site.ratio5xx}`);
    assert.ok(Math.abs((site.ratio5xx ?? 1) - result.baseline.ratio5xx) < 0.005);
  });

  it("rolls back on a breach during the bake time", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    // This release goes bad 3 minutes after its deploy stage succeeded.
    const run = await driveOperation(
      startDeployment,
      pipelineTarget,
      { sourceRevision: "faulty-3m-d4e5f6" },
      cloud,
      clock,
    );
    const final = run.final as Failed;
    assert.equal(final.code, "rolled_back");
    const result = final.result as { breach: { during: string }; rollback: { status: string } };
    assert.equal(result.breach.during, "bake");
    assert.equal(result.rollback.status, "Succeeded");
    const ours = await cloud.pipelines.getExecution(PIPELINE_NAME, run.operation.state.executionId as string);
    assert.equal(ours.status, "Succeeded", "the deploy itself had succeeded: nothing to stop");
  });

  // With the 5xx and latency thresholds at their loosest, the simulator's faulty releases trip the other two signals.
  const loose = { max5xxRatio: 0.5, maxLatencyIncreasePercent: 1000 };

  it("rolls back when Beanstalk turns Red while a faulty release rolls out", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const run = await driveOperation(
      startDeployment,
      pipelineTarget,
      { sourceRevision: "faulty-red1", healthGate: { ...loose, unhealthyTargetGraceMinutes: 5 } },
      cloud,
      clock,
    );
    const final = run.final as Failed;
    assert.equal(final.code, "rolled_back", JSON.stringify(final));
    const breach = (final.result as { breach: { signal: string; during: string; observed: string } }).breach;
    assert.deepEqual([breach.signal, breach.during, breach.observed], ["environment_health", "deploy", "Red"]);
    assert.equal((await rollbacksOf(cloud)).length, 1);
    clock.advance(5 * 60_000);
    assert.equal(await cloud.loadBalancers.environmentHealth("fastier-prod"), "Green", "Green again once rolled back");
  });

  it("rolls back when targets fail their health checks beyond the grace (a release that goes bad in the bake)", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const run = await driveOperation(
      startDeployment,
      pipelineTarget,
      { sourceRevision: "faulty-2m-tg01", healthGate: { ...loose, unhealthyTargetGraceMinutes: 0 } },
      cloud,
      clock,
    );
    const final = run.final as Failed;
    assert.equal(final.code, "rolled_back", JSON.stringify(final));
    const breach = (final.result as { breach: { signal: string; during: string; observed: number; baseline: number } })
      .breach;
    assert.deepEqual(
      [breach.signal, breach.during, breach.observed, breach.baseline],
      ["unhealthy_targets", "bake", 1, 0],
    );
    assert.match(final.message, /1 targets unhealthy \(baseline 0\)/);
    clock.advance(5 * 60_000);
    const site = await siteNow(cloud, clock);
    assert.equal(site.unhealthyTargets, 0, "the targets pass their checks again once rolled back");
  });

  it("deploys without watching when the gate is off, and says so in the plan and the events", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const run = await driveOperation(
      startDeployment,
      pipelineTarget,
      { healthGate: false, sourceRevision: "faulty-x" },
      cloud,
      clock,
    );
    assert.deepEqual(run.plan.healthGate, { enabled: false, loadBalancer: null, thresholds: null, baseline: null });
    const first = run.outcomes[0];
    assert.equal(first?.type, "advance");
    assert.match(first?.type === "advance" ? first.message : "", /health gate off by request/);
    assert.equal(run.final.type, "succeeded", "a faulty release without a gate is not rolled back");
    assert.equal((await rollbacksOf(cloud)).length, 0);
  });

  // Every step that hands over to another (the last one only ends the operation); bake on a release that goes bad late.
  for (const step of [
    "baseline",
    "act",
    "follow",
    "verify",
    "bake",
    "stop",
    "rollback",
    "rollback_start",
    "rollback_wait",
  ]) {
    it(`a crash after the ${step} step's outcome neither deploys nor rolls back twice`, async () => {
      const sim = freshSimCloud(db.pool, clock, 0);
      const counted = countingPipelineCalls(sim, "rollbackStage");
      const executionsBefore = (await sim.pipelines.listExecutions(PIPELINE_NAME)).length;
      const params = { sourceRevision: step === "verify" || step === "bake" ? `faulty-2m-${step}` : `faulty-${step}` };
      const operation = storedOperation(startDeployment, pipelineTarget, params, clock.now());
      let crashed = false;
      const outcomes = await resumeOperation(startDeployment, operation, pipelineTarget, counted.cloud, clock, {
        crashAfter: (outcome) => {
          const at = operation.step === step && outcome.type !== "failed";
          if (at) crashed = true;
          return at;
        },
      });
      assert.ok(crashed, `the run went through ${step}`);
      const final = outcomes.at(-1) as Failed;
      assert.equal(final.code, "rolled_back");
      const executions = await sim.pipelines.listExecutions(PIPELINE_NAME);
      assert.equal(executions.length, executionsBefore + 2, "one deployment and one rollback");
      assert.equal((await rollbacksOf(sim)).length, 1);
      assert.ok(counted.calls() <= 1, "RollbackStage was called at most once");
    });
  }
});

describe("rollback in one call (simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  });
  after(() => db.drop());

  it("rolls the deploy stage back to the last known-good release, named in the plan", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    // The seeded history, newest first: a success (live now), a failed build, an older success.
    const [live, broken, older] = await cloud.pipelines.listExecutions(PIPELINE_NAME);
    assert.deepEqual([live?.status, broken?.status, older?.status], ["Succeeded", "Failed", "Succeeded"]);
    const run = await driveOperation(rollbackStage, pipelineTarget, {}, cloud, clock);
    assert.deepEqual(run.plan.changes[0]?.to, {
      executionId: older?.executionId,
      sourceRevision: older?.sourceRevision,
    });
    assert.equal(run.plan.changes[0]?.field, "stages/Deploy");
    assert.match(run.plan.summary, /the last known-good release/);
    assert.equal(run.final.type, "succeeded");
    const rollback = (await rollbacksOf(cloud))[0];
    assert.equal(rollback?.sourceRevision, older?.sourceRevision);
  });

  it("after an automatic rollback, skips the release that was rolled away from", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const [live, , older] = await cloud.pipelines.listExecutions(PIPELINE_NAME);
    // Deploy a release that goes bad in the bake: the gate rolls it back to `live`'s revision.
    const faulty = await driveOperation(
      startDeployment,
      pipelineTarget,
      { sourceRevision: "faulty-1m-zz" },
      cloud,
      clock,
    );
    assert.equal((faulty.final as Failed).code, "rolled_back");
    const plan = await rollbackStage.plan({ target: pipelineTarget, params: {}, cloud, now: clock.now() });
    // `live` is what runs now again; the faulty one is skipped: the release before is the older success.
    assert.deepEqual(plan.changes[0]?.to, { executionId: older?.executionId, sourceRevision: older?.sourceRevision });
    assert.notEqual(live?.executionId, older?.executionId);
  });

  it("chooses once: a crash after choosing or acting starts one rollback, to the chosen release", async () => {
    for (const step of ["choose", "act"]) {
      const sim = freshSimCloud(db.pool, clock, 0);
      const counted = countingPipelineCalls(sim, "rollbackStage");
      const [, , older] = await sim.pipelines.listExecutions(PIPELINE_NAME);
      const operation = storedOperation(rollbackStage, pipelineTarget, {}, clock.now());
      const outcomes = await resumeOperation(rollbackStage, operation, pipelineTarget, counted.cloud, clock, {
        crashAfter: () => operation.step === step,
      });
      assert.equal(outcomes.at(-1)?.type, "succeeded", `crash after ${step}`);
      const rollbacks = await rollbacksOf(sim);
      assert.equal(rollbacks.length, 1, `one rollback after a crash in ${step}`);
      assert.equal(rollbacks[0]?.sourceRevision, older?.sourceRevision);
      assert.equal(counted.calls(), 1);
    }
  });

  it("refuses when there is no earlier good release", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const onlyOne: CloudPort = {
      ...cloud,
      pipelines: {
        ...cloud.pipelines,
        listExecutions: async (name, limit) => (await cloud.pipelines.listExecutions(name, limit)).slice(0, 1),
      },
    };
    await assert.rejects(
      rollbackStage.plan({ target: pipelineTarget, params: {}, cloud: onlyOne, now: clock.now() }),
      (error: ConflictError) => error.code === "no_known_good_release",
    );
  });
});
