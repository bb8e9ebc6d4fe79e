import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, type ManualClock } from "@fastier/cloud";
import { driveOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import type { CloudPort, ConflictError, StepOutcome, ValidationError } from "../src/index.ts";
import { startDeployment } from "../src/operations/kinds/startDeployment.ts";
import { stopDeployment } from "../src/operations/kinds/stopDeployment.ts";
import { countingPipelineCalls, freshSimCloud, PIPELINE_NAME, pipelineTarget } from "./helpers/pipelineTargets.ts";

type WaitOutcome = Extract<StepOutcome, { type: "wait" }>;

/** The waits with a new message: the progress events the operation's history keeps. */
function stageChanges(outcomes: StepOutcome[]): WaitOutcome[] {
  const waits = outcomes.filter((o): o is WaitOutcome => o.type === "wait");
  return waits.filter((wait, i) => i === 0 || waits[i - 1]?.message !== wait.message);
}

describe("start a deployment and follow it stage by stage (simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  });
  after(() => db.drop());

  it("follows Source → Build → Deploy to Succeeded and keeps the reason", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const run = await driveOperation(startDeployment, pipelineTarget, { reason: "release 42" }, cloud, clock);

    assert.deepEqual(
      run.plan.changes.map((c) => c.field),
      ["stages/Source", "stages/Build", "stages/Deploy"],
    );
    assert.match(run.plan.summary, /Source → Build → Deploy; reason: release 42/);
    const executionId = run.operation.state.executionId;
    assert.equal(typeof executionId, "string");
    const [source, build, deploy, ...baking] = stageChanges(run.outcomes);
    const changes = [source, build, deploy];
    assert.deepEqual(
      changes.map((w) => w?.message),
      ["Source: InProgress", "Build: InProgress", "Deploy: InProgress"],
    );
    // Then the health gate's bake (10 minutes by default) looks at the site once a minute.
    assert.equal(baking.length, 10);
    assert.ok(baking.every((w) => /^baking, \d+ min left: 5xx \d/.test(w.message)));
    assert.deepEqual(
      changes.map((w) => w?.data),
      ["Source", "Build", "Deploy"].map((stage) => ({ executionId, stage, stageStatus: "InProgress" })),
    );
    assert.equal(run.final.type, "succeeded");
    if (run.final.type === "succeeded") {
      assert.equal(run.final.result.executionId, executionId);
      assert.equal(run.final.result.reason, "release 42");
      assert.deepEqual(run.final.result.stages, [
        { name: "Source", status: "Succeeded" },
        { name: "Build", status: "Succeeded" },
        { name: "Deploy", status: "Succeeded" },
      ]);
    }
    const execution = await cloud.pipelines.getExecution(PIPELINE_NAME, executionId as string);
    assert.equal(execution.status, "Succeeded");
  });

  it("fails a deploy that fails, naming the stage it failed in", async () => {
    const cloud = freshSimCloud(db.pool, clock, 1);
    const run = await driveOperation(startDeployment, pipelineTarget, {}, cloud, clock);

    const executionId = run.operation.state.executionId as string;
    const failedHere = (await cloud.pipelines.getState(PIPELINE_NAME)).stages.find(
      (s) => s.executionId === executionId && s.status === "Failed",
    )?.name;
    assert.ok(failedHere, "the simulator shows a stage that failed");
    assert.equal(run.final.type, "failed");
    if (run.final.type === "failed") {
      assert.equal(run.final.code, "deployment_failed");
      assert.match(run.final.message, new RegExp(`failed in stage ${failedHere}`));
      assert.equal(run.final.result?.failedStage, failedHere);
    }
    assert.equal(stageChanges(run.outcomes).at(-1)?.data?.stage, failedHere, "followed up to the failing stage");
  });

  it("refuses a second start while an execution runs, naming it", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const { executionId } = await cloud.pipelines.startExecution(PIPELINE_NAME, { clientRequestToken: "elsewhere" });
    await assert.rejects(
      startDeployment.plan({ target: pipelineTarget, params: {}, cloud, now: clock.now() }),
      (error: ConflictError) =>
        error.code === "deployment_in_progress" &&
        error.message.includes(executionId) &&
        error.details.executionId === executionId,
    );
  });

  it("refuses a reason over 200 characters", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    await assert.rejects(
      startDeployment.plan({ target: pipelineTarget, params: { reason: "x".repeat(201) }, cloud, now: clock.now() }),
      (error: ValidationError) => error.problems[0]?.field === "/reason",
    );
  });

  it("starts one execution when act runs again after a crash before its outcome was saved", async () => {
    const sim = freshSimCloud(db.pool, clock, 0);
    const counted = countingPipelineCalls(sim, "startExecution");
    const before = (await sim.pipelines.listExecutions(PIPELINE_NAME)).length;
    let crashed = false;
    const run = await driveOperation(startDeployment, pipelineTarget, {}, counted.cloud, clock, {
      beforeStep: (operation) => {
        if (operation.step === "follow" && !crashed) {
          // The worker died after the call: the operation is still at act, with nothing saved.
          crashed = true;
          operation.step = "act";
          operation.state = {};
        }
      },
    });
    assert.ok(crashed);
    assert.equal(run.final.type, "succeeded");
    assert.equal(counted.calls(), 2, "act called the cloud again, with the same token");
    assert.equal(new Set(counted.returned.map((r) => (r as { executionId: string }).executionId)).size, 1);
    assert.equal((await sim.pipelines.listExecutions(PIPELINE_NAME)).length, before + 1, "one new execution");
  });

  it("does not call the cloud again when act repeats with the execution id saved", async () => {
    const counted = countingPipelineCalls(freshSimCloud(db.pool, clock, 0), "startExecution");
    let repeated = false;
    const run = await driveOperation(startDeployment, pipelineTarget, {}, counted.cloud, clock, {
      beforeStep: (operation) => {
        if (operation.step === "follow" && !repeated) {
          repeated = true;
          operation.step = "act";
        }
      },
    });
    assert.ok(repeated);
    assert.equal(run.final.type, "succeeded");
    assert.equal(counted.calls(), 1);
  });

  it("waits at a busy stage's entrance and ends as deployment_superseded when a newer execution replaces it", async () => {
    const sim = freshSimCloud(db.pool, clock, 0);
    let polls = 0;
    // Someone starts a deploy just before ours (it holds Source) and another one while ours waits.
    const crowded: CloudPort = {
      ...sim,
      pipelines: {
        ...sim.pipelines,
        startExecution: async (name, request) => {
          await sim.pipelines.startExecution(name, { clientRequestToken: "just-before" });
          return sim.pipelines.startExecution(name, request);
        },
        getExecution: async (name, executionId) => {
          polls += 1;
          if (polls === 2) await sim.pipelines.startExecution(name, { clientRequestToken: "newer" });
          return sim.pipelines.getExecution(name, executionId);
        },
      },
    };
    const run = await driveOperation(startDeployment, pipelineTarget, {}, crowded, clock);
    const executionId = run.operation.state.executionId;
    const [waiting] = stageChanges(run.outcomes);
    assert.match(waiting?.message ?? "", /waiting to enter a stage/);
    assert.deepEqual(waiting?.data, { executionId, stage: null, stageStatus: null });
    assert.equal(run.final.type, "failed");
    if (run.final.type === "failed") {
      assert.equal(run.final.code, "deployment_superseded");
      assert.match(run.final.message, /was superseded \(Superseded by execution /);
    }
  });

  it("ends as deployment_stopped when the execution is stopped midway", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    let executionId = "";
    // Four steps in, the execution has reached Build; then this worker stops driving it.
    await assert.rejects(
      driveOperation(startDeployment, pipelineTarget, {}, cloud, clock, {
        maxSteps: 4,
        beforeStep: (operation) => {
          executionId = (operation.state.executionId as string | undefined) ?? "";
        },
      }),
      /did not finish within 4 steps/,
    );
    const stop = await driveOperation(stopDeployment, pipelineTarget, { executionId, abandon: true }, cloud, clock);
    assert.equal(stop.final.type, "succeeded");

    // The same operation resumes: its act returns the execution it started (same token) and follows it to the end.
    const resumed = await driveOperation(startDeployment, pipelineTarget, {}, cloud, clock);
    assert.equal(resumed.operation.state.executionId, executionId);
    assert.equal(resumed.final.type, "failed");
    if (resumed.final.type === "failed") {
      assert.equal(resumed.final.code, "deployment_stopped");
      assert.match(resumed.final.message, /stopped in stage Build/);
    }
  });
});
