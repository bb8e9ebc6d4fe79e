import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, type ManualClock } from "@fastier/cloud";
import { driveOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import type {
  CloudPort,
  ConflictError,
  NotFoundError,
  PipelineExecutionStatus,
  ValidationError,
} from "../src/index.ts";
import { rollbackStage } from "../src/operations/kinds/rollbackStage.ts";
import { countingPipelineCalls, freshSimCloud, PIPELINE_NAME, pipelineTarget } from "./helpers/pipelineTargets.ts";

const MINUTE = 60_000;

describe("roll a pipeline stage back to an earlier execution (simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  });
  after(() => db.drop());

  /** The newest seeded execution with this status (the history has Succeeded and Failed ones). */
  async function seeded(cloud: CloudPort, status: PipelineExecutionStatus) {
    const found = (await cloud.pipelines.listExecutions(PIPELINE_NAME)).find((e) => e.status === status);
    assert.ok(found, `the seeded history has a ${status} execution`);
    return found;
  }

  const plan = (cloud: CloudPort, stageName: string, targetExecutionId: string) =>
    rollbackStage.plan({ target: pipelineTarget, params: { stageName, targetExecutionId }, cloud, now: clock.now() });

  it("re-runs Deploy with a succeeded execution's revision and follows it to Succeeded", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const target = await seeded(cloud, "Succeeded");
    const run = await driveOperation(
      rollbackStage,
      pipelineTarget,
      { stageName: "Deploy", targetExecutionId: target.executionId },
      cloud,
      clock,
    );

    assert.deepEqual(run.plan.changes[0]?.field, "stages/Deploy");
    assert.deepEqual(run.plan.changes[0]?.to, {
      executionId: target.executionId,
      sourceRevision: target.sourceRevision,
    });
    const rollbackId = run.operation.state.executionId as string;
    assert.ok(run.outcomes.some((o) => o.type === "wait" && o.message === "Deploy: InProgress"));
    assert.equal(run.final.type, "succeeded");
    if (run.final.type === "succeeded") {
      assert.equal(run.final.result.executionId, rollbackId);
      assert.deepEqual(run.final.result.stages, [{ name: "Deploy", status: "Succeeded" }]);
    }
    const rollback = await cloud.pipelines.getExecution(PIPELINE_NAME, rollbackId);
    assert.equal(rollback.trigger, "ManualRollback");
    assert.equal(rollback.sourceRevision, target.sourceRevision);
    const deploy = (await cloud.pipelines.getState(PIPELINE_NAME)).stages.find((s) => s.name === "Deploy");
    assert.deepEqual(deploy, { name: "Deploy", status: "Succeeded", executionId: rollbackId });
  });

  it("fails, naming the stage, when the rollback run fails", async () => {
    const cloud = freshSimCloud(db.pool, clock, 1);
    const target = await seeded(cloud, "Succeeded");
    const run = await driveOperation(
      rollbackStage,
      pipelineTarget,
      { stageName: "Build", targetExecutionId: target.executionId },
      cloud,
      clock,
    );
    assert.equal(run.final.type, "failed");
    if (run.final.type === "failed") {
      assert.equal(run.final.code, "deployment_failed");
      assert.match(run.final.message, /rollback of Build .* failed in stage Build/);
    }
  });

  it("starts one rollback when act runs again after a crash before its outcome was saved", async () => {
    const sim = freshSimCloud(db.pool, clock, 0);
    const target = await seeded(sim, "Succeeded");
    const counted = countingPipelineCalls(sim, "rollbackStage");
    let crashed = false;
    const run = await driveOperation(
      rollbackStage,
      pipelineTarget,
      { stageName: "Deploy", targetExecutionId: target.executionId },
      counted.cloud,
      clock,
      {
        beforeStep: (operation) => {
          if (operation.step === "wait" && !crashed) {
            crashed = true;
            operation.step = "act";
            operation.state = {};
          }
        },
      },
    );
    assert.ok(crashed);
    assert.equal(run.final.type, "succeeded");
    assert.equal(counted.calls(), 1, "the repeated act found the rollback it had started");
  });

  it("refuses an unknown stage, listing the pipeline's stages, and the source stage", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const target = await seeded(cloud, "Succeeded");
    await assert.rejects(
      plan(cloud, "Test", target.executionId),
      (error: ValidationError) =>
        error.problems[0]?.field === "/stageName" &&
        error.problems[0]?.rule === "stage" &&
        error.message.includes("Source, Build, Deploy"),
    );
    await assert.rejects(
      plan(cloud, "Source", target.executionId),
      (error: ValidationError) => error.problems[0]?.field === "/stageName" && /source stage/.test(error.message),
    );
  });

  it("refuses a target that did not succeed, and one that does not exist", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const failed = await seeded(cloud, "Failed");
    await assert.rejects(
      plan(cloud, "Deploy", failed.executionId),
      (error: ConflictError) => error.code === "target_not_succeeded" && error.details.status === "Failed",
    );
    await assert.rejects(
      plan(cloud, "Deploy", "no-such-execution"),
      (error: NotFoundError) => error.code === "pipeline_execution_not_found",
    );
  });

  it("refuses while the stage runs another execution", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const target = await seeded(cloud, "Succeeded");
    const { executionId } = await cloud.pipelines.startExecution(PIPELINE_NAME, { clientRequestToken: "console" });
    clock.advance(6 * MINUTE); // Source 1 + Build 4: Deploy runs from minute 5 to 10
    await assert.rejects(
      plan(cloud, "Deploy", target.executionId),
      (error: ConflictError) => error.code === "stage_in_progress" && error.details.executionId === executionId,
    );
  });
});
