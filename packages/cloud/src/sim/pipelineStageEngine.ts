import type { SimContext, SimExecution, SimPipeline, SimWorld } from "./simState.ts";
import { MINUTE, toIso, toMs } from "./simTime.ts";

/**
 * CodePipeline in superseded mode: each stage runs one execution at a time;
 * an execution that finds its next stage busy waits at its entrance, and a
 * newer execution arriving there replaces (supersedes) the one waiting.
 * Progress is replayed event by event from stored times, so it is exact
 * however long ago the world was last looked at.
 */

export const STAGE_DURATION_MS: Readonly<Record<string, number>> = {
  Source: 1 * MINUTE,
  Build: 4 * MINUTE,
  Deploy: 5 * MINUTE,
};
const DEFAULT_STAGE_MS = 2 * MINUTE;
export const stageDuration = (stage: string): number => STAGE_DURATION_MS[stage] ?? DEFAULT_STAGE_MS;

/** When an execution fails, which stage it fails in: builds and deploys break more often than checkouts. */
const FAILURE_WEIGHTS: Readonly<Record<string, number>> = { Source: 0.1, Build: 0.5, Deploy: 0.4 };
const FAILURE_SUMMARIES: Readonly<Record<string, string>> = {
  Source: "Source: could not fetch the revision from GitHub (connection timed out)",
  Build: "Build: CodeBuild reported FAILED (unit tests failed, exit status 1)",
  Deploy: "Deploy: Elastic Beanstalk deployment failed health checks and was rolled back",
};

export const failureSummary = (stage: string): string => FAILURE_SUMMARIES[stage] ?? `${stage}: action failed`;

/**
 * Whether and where an execution will fail, decided once at its start from a
 * draw keyed by its id: the outcome is fixed, the same in every process, and
 * a failure rate of 0 or 1 makes it certain.
 */
export function plannedFailure(
  ctx: Pick<SimContext, "draw" | "pipelineFailureRate">,
  executionId: string,
  stages: string[],
): string | null {
  if (ctx.draw(`fails:${executionId}`) >= ctx.pipelineFailureRate) return null;
  const weights = stages.map((stage) => FAILURE_WEIGHTS[stage] ?? 0.3);
  let pick = ctx.draw(`fails-at:${executionId}`) * weights.reduce((sum, weight) => sum + weight, 0);
  for (const [index, stage] of stages.entries()) {
    pick -= weights[index] ?? 0;
    if (pick < 0) return stage;
  }
  return stages.at(-1) ?? null;
}

export const currentStage = (execution: SimExecution): string | null =>
  execution.position ? (execution.stages[execution.position.stageIndex] ?? null) : null;

export const runningIn = (pipeline: SimPipeline, stage: string) =>
  pipeline.executions.find((e) => e.position?.phase === "running" && currentStage(e) === stage);

/** An execution reaches a stage: the newest of those waiting there survives, then enters if the stage is free. */
export function arriveAtStage(pipeline: SimPipeline, execution: SimExecution, stageIndex: number, at: number) {
  const stage = execution.stages[stageIndex] as string;
  execution.position = { stageIndex, phase: "waiting", since: toIso(at) };
  execution.updatedAt = toIso(at);
  const waiting = pipeline.executions.filter((e) => e.position?.phase === "waiting" && currentStage(e) === stage);
  const newest = waiting.reduce((best, e) => (e.sequence > best.sequence ? e : best));
  for (const loser of waiting) {
    if (loser === newest) continue;
    loser.status = "Superseded";
    loser.statusSummary = `Superseded by execution ${newest.executionId}`;
    loser.position = null;
    loser.updatedAt = toIso(at);
  }
  if (!runningIn(pipeline, stage)) enterStage(newest, at);
}

function enterStage(execution: SimExecution, at: number) {
  const position = execution.position;
  if (!position) return;
  const stage = execution.stages[position.stageIndex] as string;
  execution.position = { ...position, phase: "running", since: toIso(at) };
  execution.stageRuns[stage] = { status: "InProgress", startedAt: toIso(at), finishedAt: null };
  execution.updatedAt = toIso(at);
}

export function admitWaiting(pipeline: SimPipeline, stage: string, at: number) {
  if (runningIn(pipeline, stage)) return;
  const waiting = pipeline.executions
    .filter((e) => e.position?.phase === "waiting" && currentStage(e) === stage)
    .sort((a, b) => b.sequence - a.sequence)[0];
  if (waiting) enterStage(waiting, at);
}

/** The running stage's action finishes at `at`: the execution fails, stops, moves on or succeeds. */
function finishStage(pipeline: SimPipeline, execution: SimExecution, at: number) {
  const position = execution.position;
  if (!position) return;
  const stage = execution.stages[position.stageIndex] as string;
  const failed = execution.failsAtStage === stage;
  const run = execution.stageRuns[stage];
  if (run) {
    run.status = failed ? "Failed" : "Succeeded";
    run.finishedAt = toIso(at);
  }
  execution.position = null;
  execution.updatedAt = toIso(at);
  if (execution.status === "Stopping") {
    execution.status = "Stopped";
    execution.statusSummary = execution.stopRequest?.reason ?? "Stopped after the running action finished";
  } else if (failed) {
    execution.status = "Failed";
    execution.statusSummary = failureSummary(stage);
  } else if (position.stageIndex + 1 < execution.stages.length) {
    arriveAtStage(pipeline, execution, position.stageIndex + 1, at);
  } else {
    execution.status = "Succeeded";
  }
  admitWaiting(pipeline, stage, at);
}

/** Replays, in time order, every stage completion due by `now` on a draft world. */
export function applyDuePipelineProgress(world: SimWorld, now: number): void {
  for (const pipeline of world.pipelines) {
    for (;;) {
      let due: { execution: SimExecution; at: number } | null = null;
      for (const execution of pipeline.executions) {
        if (execution.position?.phase !== "running") continue;
        const at = toMs(execution.position.since) + stageDuration(currentStage(execution) as string);
        if (at <= now && (!due || at < due.at || (at === due.at && execution.sequence < due.execution.sequence))) {
          due = { execution, at };
        }
      }
      if (!due) break;
      finishStage(pipeline, due.execution, due.at);
    }
  }
}
