import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { PipelineExecutionSummary } from "../../cloud/cloudTypes.ts";

/** The trigger CodePipeline (and the simulator) gives the execution a RollbackStage call starts. */
export const ROLLBACK_TRIGGER = "ManualRollback";
/** How far back the control plane looks for a release to return to. */
const HISTORY = 50;
/** Absorbs clock skew between the control plane and the cloud when matching start times. */
const CLOCK_SLACK_MS = 60_000;

/** The stage a rollback without a named stage rolls back: the last one, where a pipeline deploys. */
export const deployStageOf = (stages: readonly string[]): string | null =>
  stages.length > 1 ? (stages.at(-1) ?? null) : null;

/** The execution a stage runs now (the newest to enter it), with its revision. */
export interface StageRelease {
  executionId: string;
  sourceRevision: string | null;
}

/**
 * The last known-good release before `current` (what the stage runs now): walking
 * back from it, the newest execution that succeeded, is not itself a rollback, runs
 * another revision, and was not rolled away from (the execution just before a
 * rollback, succeeded or stopped, was replaced because it was bad). Executions are
 * newest first, as listExecutions gives them; a rollback may not target a rollback.
 */
export function lastKnownGoodOf(
  executions: readonly PipelineExecutionSummary[],
  current: StageRelease | null,
): PipelineExecutionSummary | null {
  const at = current ? executions.findIndex((execution) => execution.executionId === current.executionId) : -1;
  let rolledAwayFrom = at >= 0 && executions[at]?.trigger === ROLLBACK_TRIGGER;
  for (const execution of executions.slice(at + 1)) {
    if (execution.trigger === ROLLBACK_TRIGGER) {
      if (execution.status === "Succeeded") rolledAwayFrom = true;
      continue;
    }
    if (rolledAwayFrom && (execution.status === "Succeeded" || execution.status === "Stopped")) {
      rolledAwayFrom = false;
      continue;
    }
    if (execution.status !== "Succeeded") continue;
    if (current?.sourceRevision && execution.sourceRevision === current.sourceRevision) continue;
    return execution;
  }
  return null;
}

export async function recentExecutions(cloud: CloudPort, pipelineName: string): Promise<PipelineExecutionSummary[]> {
  return cloud.pipelines.listExecutions(pipelineName, HISTORY);
}

/**
 * A rollback an operation already started (its step ran, then the worker
 * crashed before saving the id): RollbackStage has no idempotency token, so
 * look for a rollback execution to the same revision that started after
 * `since` (the operation's creation). A null revision matches any rollback.
 */
export async function rollbackStartedSince(
  cloud: CloudPort,
  pipelineName: string,
  sourceRevision: string | null,
  since: Date,
): Promise<string | null> {
  const recent = await recentExecutions(cloud, pipelineName);
  const ours = recent.find(
    (execution) =>
      execution.trigger === ROLLBACK_TRIGGER &&
      execution.startedAt !== null &&
      execution.startedAt.getTime() >= since.getTime() - CLOCK_SLACK_MS &&
      (sourceRevision === null || execution.sourceRevision === sourceRevision),
  );
  return ours?.executionId ?? null;
}
