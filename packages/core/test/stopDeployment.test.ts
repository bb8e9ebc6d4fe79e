import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, type ManualClock } from "@fastier/cloud";
import { driveOperation } from "../../../test/helpers/driveOperation.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import type { CloudPort, ConflictError, NotFoundError } from "../src/index.ts";
import { stopDeployment } from "../src/operations/kinds/stopDeployment.ts";
import { countingPipelineCalls, freshSimCloud, PIPELINE_NAME, pipelineTarget } from "./helpers/pipelineTargets.ts";

const MINUTE = 60_000;

describe("stop a pipeline execution (simulator)", () => {
  let db: TestDatabase;
  let clock: ManualClock;

  before(async () => {
    db = await createTestDatabase();
    clock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  });
  after(() => db.drop());

  /** An execution started outside the control plane, now two minutes in: running Build (1 to 5 minutes). */
  async function deployInBuild(cloud: CloudPort): Promise<string> {
    const { executionId } = await cloud.pipelines.startExecution(PIPELINE_NAME, { clientRequestToken: "console" });
    clock.advance(2 * MINUTE);
    return executionId;
  }

  const stageOf = async (cloud: CloudPort, name: string) =>
    (await cloud.pipelines.getState(PIPELINE_NAME)).stages.find((s) => s.name === name);

  it("abandons at once: Build is left Stopped and Deploy never starts", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const executionId = await deployInBuild(cloud);
    const run = await driveOperation(
      stopDeployment,
      pipelineTarget,
      { executionId, abandon: true, reason: "bad migration" },
      cloud,
      clock,
    );
    assert.equal(run.final.type, "succeeded");
    assert.ok(!run.outcomes.some((o) => o.type === "wait"), "an abandon needs no waiting");
    if (run.final.type === "succeeded") {
      assert.equal(run.final.result.status, "Stopped");
      assert.equal(run.final.result.finishedOnItsOwn, false);
      assert.equal(run.final.result.statusSummary, "bad migration");
    }
    assert.deepEqual(await stageOf(cloud, "Build"), { name: "Build", status: "Stopped", executionId });
    clock.advance(20 * MINUTE);
    assert.notEqual((await stageOf(cloud, "Deploy"))?.executionId, executionId);
  });

  it("without abandon waits while Stopping until the running action finishes", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const executionId = await deployInBuild(cloud);
    const run = await driveOperation(stopDeployment, pipelineTarget, { executionId }, cloud, clock);
    assert.equal(run.final.type, "succeeded");
    const waits = run.outcomes.filter((o) => o.type === "wait");
    assert.ok(waits.length > 0);
    assert.ok(waits.every((w) => w.message === `${executionId} is Stopping`));
    assert.equal((await cloud.pipelines.getExecution(PIPELINE_NAME, executionId)).status, "Stopped");
    assert.equal((await stageOf(cloud, "Build"))?.status, "Succeeded", "Build's action ran to its end");
    assert.notEqual((await stageOf(cloud, "Deploy"))?.executionId, executionId);
  });

  it("does not stop twice when act runs again after a crash", async () => {
    const sim = freshSimCloud(db.pool, clock, 0);
    const executionId = await deployInBuild(sim);
    const counted = countingPipelineCalls(sim, "stopExecution");
    let crashed = false;
    const run = await driveOperation(stopDeployment, pipelineTarget, { executionId }, counted.cloud, clock, {
      beforeStep: (operation) => {
        if (operation.step === "wait" && !crashed) {
          crashed = true;
          operation.step = "act";
        }
      },
    });
    assert.ok(crashed);
    assert.equal(run.final.type, "succeeded");
    assert.equal(counted.calls(), 1, "the repeated act saw Stopping and did not ask again");
  });

  it("succeeds, noting the status, when the execution finished on its own before the stop", async () => {
    const sim = freshSimCloud(db.pool, clock, 0);
    const executionId = await deployInBuild(sim);
    const counted = countingPipelineCalls(sim, "stopExecution");
    let first = true;
    const run = await driveOperation(stopDeployment, pipelineTarget, { executionId }, counted.cloud, clock, {
      beforeStep: () => {
        // Planned while it ran; by the time a worker acts, it has finished.
        if (first) clock.advance(15 * MINUTE);
        first = false;
      },
    });
    assert.equal(run.final.type, "succeeded");
    if (run.final.type === "succeeded") {
      assert.equal(run.final.result.status, "Succeeded");
      assert.equal(run.final.result.finishedOnItsOwn, true);
      assert.match(run.final.message, /finished on its own as Succeeded/);
    }
    assert.equal(counted.calls(), 0);
  });

  it("refuses to stop a finished execution, with its status, and an unknown one", async () => {
    const cloud = freshSimCloud(db.pool, clock, 0);
    const [latest] = await cloud.pipelines.listExecutions(PIPELINE_NAME, 1);
    assert.equal(latest?.status, "Succeeded", "the seeded history ends with a deploy that succeeded");
    await assert.rejects(
      stopDeployment.plan({
        target: pipelineTarget,
        params: { executionId: latest.executionId },
        cloud,
        now: clock.now(),
      }),
      (error: ConflictError) =>
        error.code === "execution_not_running" &&
        error.details.status === "Succeeded" &&
        /Succeeded/.test(error.message),
    );
    await assert.rejects(
      stopDeployment.plan({ target: pipelineTarget, params: { executionId: "nope" }, cloud, now: clock.now() }),
      (error: NotFoundError) => error.code === "pipeline_execution_not_found",
    );
  });
});
