import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CloudPort } from "@fastier/core";
import { MINUTE, openSimWorld, rejectsWith } from "./simTestWorld.ts";

const PIPELINE = "fastier-web-pipeline";

async function stageStatuses(cloud: CloudPort) {
  const state = await cloud.pipelines.getState(PIPELINE);
  return Object.fromEntries(state.stages.map((stage) => [stage.name, `${stage.status}:${stage.executionId}`]));
}

describe("simulated CodePipeline", () => {
  it("describes the pipeline and its earlier runs, newest first", async () => {
    const { cloud } = await openSimWorld();
    const pipeline = await cloud.pipelines.describePipeline(PIPELINE);
    assert.deepEqual(pipeline.stages, ["Source", "Build", "Deploy"]);
    assert.match(pipeline.arn ?? "", /^arn:aws:codepipeline:us-east-1:123456789012:fastier-web-pipeline$/);
    const history = await cloud.pipelines.listExecutions(PIPELINE);
    assert.ok(history.some((e) => e.status === "Succeeded"));
    const starts = history.map((e) => e.startedAt?.getTime() ?? 0);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => b - a),
    );
    assert.equal((await cloud.pipelines.listExecutions(PIPELINE, 1)).length, 1);
    const state = await cloud.pipelines.getState(PIPELINE);
    assert.ok(state.stages.every((s) => s.status === "Succeeded" && s.executionId === history[0]?.executionId));
    await rejectsWith(cloud.pipelines.describePipeline("nope"), "not_found", "nope");
    await rejectsWith(cloud.pipelines.getExecution(PIPELINE, "no-such-execution"), "not_found");
  });

  it("runs an execution stage by stage to success when nothing fails", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    const { executionId } = await cloud.pipelines.startExecution(PIPELINE, {
      clientRequestToken: "release-42",
      sourceRevision: "abc123",
      reason: "release 42",
    });
    const started = await cloud.pipelines.getExecution(PIPELINE, executionId);
    assert.equal(started.status, "InProgress");
    assert.equal(started.sourceRevision, "abc123");
    assert.equal(started.trigger, "StartPipelineExecution");
    assert.equal((await stageStatuses(cloud)).Source, `InProgress:${executionId}`);

    clock.advance(1 * MINUTE);
    let stages = await stageStatuses(cloud);
    assert.equal(stages.Source, `Succeeded:${executionId}`);
    assert.equal(stages.Build, `InProgress:${executionId}`);
    clock.advance(4 * MINUTE);
    stages = await stageStatuses(cloud);
    assert.equal(stages.Build, `Succeeded:${executionId}`);
    assert.equal(stages.Deploy, `InProgress:${executionId}`);
    clock.advance(4 * MINUTE);
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, executionId)).status, "InProgress");
    clock.advance(1 * MINUTE);
    const done = await cloud.pipelines.getExecution(PIPELINE, executionId);
    assert.equal(done.status, "Succeeded");
    assert.equal((await stageStatuses(cloud)).Deploy, `Succeeded:${executionId}`);
    assert.equal((await cloud.pipelines.listExecutions(PIPELINE))[0]?.executionId, executionId);
  });

  it("fails at a stage when the failure rate is 1, running nothing after it", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 1 });
    const before = await cloud.pipelines.getState(PIPELINE);
    const { executionId } = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "doomed" });
    clock.advance(15 * MINUTE);
    const failed = await cloud.pipelines.getExecution(PIPELINE, executionId);
    assert.equal(failed.status, "Failed");
    const state = await cloud.pipelines.getState(PIPELINE);
    const failedIndex = state.stages.findIndex((s) => s.executionId === executionId && s.status === "Failed");
    assert.ok(failedIndex >= 0, "one stage failed");
    const failedStage = state.stages[failedIndex]?.name as string;
    assert.ok(failed.statusSummary?.startsWith(failedStage), failed.statusSummary ?? "");
    state.stages.forEach((stage, index) => {
      if (index < failedIndex) assert.equal(stage.status, "Succeeded");
      if (index > failedIndex) assert.deepEqual(stage, before.stages[index], `${stage.name} never ran`);
    });
  });

  it("fails at the stage an injected generator picks, and stops there", async () => {
    // 0.3 < rate, and 0.3 of the stage weights (Source 0.1, Build 0.5, Deploy 0.4) falls in Build.
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 1, random: () => 0.3 });
    const { executionId } = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "build-breaks" });
    clock.advance(1 * MINUTE);
    assert.equal((await stageStatuses(cloud)).Build, `InProgress:${executionId}`);
    clock.advance(4 * MINUTE);
    const stages = await stageStatuses(cloud);
    assert.equal(stages.Source, `Succeeded:${executionId}`);
    assert.equal(stages.Build, `Failed:${executionId}`);
    assert.notEqual(stages.Deploy, `InProgress:${executionId}`);
    const execution = await cloud.pipelines.getExecution(PIPELINE, executionId);
    assert.equal(execution.status, "Failed");
    assert.match(execution.statusSummary ?? "", /^Build: /);
  });

  it("starts once per client request token", async () => {
    const { cloud } = await openSimWorld({ pipelineFailureRate: 0 });
    const before = (await cloud.pipelines.listExecutions(PIPELINE)).length;
    const first = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "retry-me" });
    const again = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "retry-me" });
    const other = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "another" });
    assert.equal(again.executionId, first.executionId);
    assert.notEqual(other.executionId, first.executionId);
    assert.equal((await cloud.pipelines.listExecutions(PIPELINE)).length, before + 2);
    await rejectsWith(cloud.pipelines.startExecution("nope", { clientRequestToken: "x" }), "not_found");
  });

  it("supersedes an execution waiting for a stage when a newer one arrives there", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    const a = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "a" });
    clock.advance(2 * MINUTE); // a builds until minute 5
    const b = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "b" });
    clock.advance(1.5 * MINUTE); // b finished Source at minute 3 and waits for Build
    const c = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "c" });
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, b.executionId)).status, "InProgress");
    clock.advance(1 * MINUTE); // c reaches Build's entrance at minute 4.5 and replaces b
    const superseded = await cloud.pipelines.getExecution(PIPELINE, b.executionId);
    assert.equal(superseded.status, "Superseded");
    assert.ok(superseded.statusSummary?.includes(c.executionId));
    clock.advance(1 * MINUTE); // minute 5.5: a deploys, c builds
    const stages = await stageStatuses(cloud);
    assert.equal(stages.Deploy, `InProgress:${a.executionId}`);
    assert.equal(stages.Build, `InProgress:${c.executionId}`);
    clock.advance(20 * MINUTE);
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, a.executionId)).status, "Succeeded");
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, c.executionId)).status, "Succeeded");
  });

  it("abandons an execution at once; a plain stop waits for the running action", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    const abandoned = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "abandon" });
    clock.advance(2 * MINUTE);
    await cloud.pipelines.stopExecution(PIPELINE, abandoned.executionId, { abandon: true, reason: "wrong branch" });
    const stopped = await cloud.pipelines.getExecution(PIPELINE, abandoned.executionId);
    assert.equal(stopped.status, "Stopped");
    assert.equal(stopped.statusSummary, "wrong branch");
    assert.equal((await stageStatuses(cloud)).Build, `Stopped:${abandoned.executionId}`);
    await rejectsWith(
      cloud.pipelines.stopExecution(PIPELINE, abandoned.executionId, { abandon: true }),
      "invalid_state",
      "not in a stoppable state",
    );

    const gentle = await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "gentle" });
    clock.advance(2 * MINUTE); // building until minute 5
    await cloud.pipelines.stopExecution(PIPELINE, gentle.executionId, { abandon: false });
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, gentle.executionId)).status, "Stopping");
    assert.equal((await stageStatuses(cloud)).Build, `Stopping:${gentle.executionId}`);
    await rejectsWith(cloud.pipelines.stopExecution(PIPELINE, gentle.executionId, { abandon: false }), "invalid_state");
    clock.advance(2.5 * MINUTE);
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, gentle.executionId)).status, "Stopping");
    clock.advance(1 * MINUTE);
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, gentle.executionId)).status, "Stopped");
    const stages = await stageStatuses(cloud);
    assert.equal(stages.Build, `Succeeded:${gentle.executionId}`, "the running build was allowed to finish");
    assert.notEqual(stages.Deploy?.split(":")[1], gentle.executionId, "it never deployed");

    const [seeded] = (await cloud.pipelines.listExecutions(PIPELINE)).filter((e) => e.status === "Succeeded");
    await rejectsWith(
      cloud.pipelines.stopExecution(PIPELINE, seeded?.executionId as string, { abandon: false }),
      "invalid_state",
    );
    await rejectsWith(cloud.pipelines.stopExecution(PIPELINE, "no-such", { abandon: true }), "not_found");
  });

  it("rolls a stage back to an earlier successful execution", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    const history = await cloud.pipelines.listExecutions(PIPELINE);
    const target = history.filter((e) => e.status === "Succeeded").at(-1);
    const failed = history.find((e) => e.status === "Failed");
    assert.ok(target && failed);

    await rejectsWith(cloud.pipelines.rollbackStage(PIPELINE, "Deploy", failed.executionId), "invalid_request");
    await rejectsWith(cloud.pipelines.rollbackStage(PIPELINE, "Deploy", "no-such-execution"), "invalid_request");
    await rejectsWith(cloud.pipelines.rollbackStage(PIPELINE, "Source", target.executionId), "invalid_request");
    await rejectsWith(cloud.pipelines.rollbackStage(PIPELINE, "Test", target.executionId), "not_found");

    const rollback = await cloud.pipelines.rollbackStage(PIPELINE, "Deploy", target.executionId);
    const running = await cloud.pipelines.getExecution(PIPELINE, rollback.executionId);
    assert.equal(running.status, "InProgress");
    assert.equal(running.trigger, "ManualRollback");
    assert.equal(running.sourceRevision, target.sourceRevision);
    assert.equal((await stageStatuses(cloud)).Deploy, `InProgress:${rollback.executionId}`);
    await rejectsWith(
      cloud.pipelines.rollbackStage(PIPELINE, "Deploy", target.executionId),
      "invalid_state",
      "running",
    );

    clock.advance(5 * MINUTE);
    assert.equal((await cloud.pipelines.getExecution(PIPELINE, rollback.executionId)).status, "Succeeded");
    const stages = await stageStatuses(cloud);
    assert.equal(stages.Deploy, `Succeeded:${rollback.executionId}`);
    assert.notEqual(stages.Build?.split(":")[1], rollback.executionId, "only the rolled-back stage ran");
  });
});
