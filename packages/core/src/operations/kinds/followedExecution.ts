import { type Static, Type } from "typebox";
import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type {
  PipelineDescription,
  PipelineExecution,
  PipelineExecutionStatus,
  PipelineState,
} from "../../cloud/cloudTypes.ts";
import { NotFoundError } from "../../errors.ts";
import type { StepOutcome } from "../operationTypes.ts";
import { ExecutionId } from "./requestFields.ts";

/** Following one pipeline execution stage by stage: a deployment, a stage rollback, a health gate's rollback. */

/**
 * What a kind that follows one pipeline execution (this one, and rollback_stage, whose rollback is
 * an execution too) keeps between ticks: the execution it started, saved by `act`, and each stage
 * the execution has entered with its status there, as far as the operation has seen.
 */
export const FollowedExecutionState = Type.Object({
  executionId: Type.Optional(ExecutionId),
  // CodePipeline allows at most 50 stages; a stage status is a short word ("InProgress").
  stageStatuses: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 50 }), { maxProperties: 50 })),
});
type FollowedExecutionOutcome = StepOutcome<Static<typeof FollowedExecutionState>>;

/** Stages take minutes; a half-minute poll reports each stage change soon after it happens. */
export const PIPELINE_RECHECK_MS = 30_000;

const RUNNING_STATUSES: ReadonlySet<PipelineExecutionStatus> = new Set(["InProgress", "Stopping"]);
export const isRunning = (status: PipelineExecutionStatus): boolean => RUNNING_STATUSES.has(status);

/** The pipeline as the cloud sees it now; a NotFoundError when the cloud does not know it. */
export async function describeTargetPipeline(cloud: CloudPort, name: string): Promise<PipelineDescription> {
  try {
    return await cloud.pipelines.describePipeline(name);
  } catch (error) {
    if (isCloudError(error) && error.kind === "not_found") throw new NotFoundError("pipeline", name);
    throw error;
  }
}

/** One execution of the pipeline; a NotFoundError when the pipeline has no such execution. */
export async function describeExecution(
  cloud: CloudPort,
  pipelineName: string,
  executionId: string,
): Promise<PipelineExecution> {
  try {
    return await cloud.pipelines.getExecution(pipelineName, executionId);
  } catch (error) {
    if (isCloudError(error) && error.kind === "not_found") throw new NotFoundError("pipeline_execution", executionId);
    throw error;
  }
}

/** Each stage the execution has entered, with its status there, as far as the operation has seen. */
export type StageStatuses = Record<string, string>;

export interface FollowedExecution {
  pipelineName: string;
  executionId: string;
  /** How messages name it: "deployment" or "rollback of Deploy". */
  noun: string;
}

/**
 * GetPipelineState reports each stage's most recent execution, which is only
 * ours until a newer one enters; so statuses seen earlier are kept and
 * updated with what is ours now.
 */
function stageStatusesOf(state: PipelineState, executionId: string, seen: StageStatuses): StageStatuses {
  const statuses = { ...seen };
  for (const stage of state.stages) {
    if (stage.executionId === executionId && stage.status) statuses[stage.name] = stage.status;
  }
  return statuses;
}

/** The stages, in pipeline order, that the execution has entered, with its status in each. */
function enteredStages(state: PipelineState, statuses: StageStatuses): { stage: string; stageStatus: string }[] {
  return state.stages.flatMap((stage) => {
    const stageStatus = statuses[stage.name];
    return stageStatus === undefined ? [] : [{ stage: stage.name, stageStatus }];
  });
}

/** The furthest stage, in pipeline order, that the execution has entered. */
function currentStageOf(state: PipelineState, statuses: StageStatuses): { stage: string; stageStatus: string } | null {
  return enteredStages(state, statuses).at(-1) ?? null;
}

/**
 * One poll of a running execution. The message names the current stage and
 * its status ("Build: InProgress"), so the history records one event per
 * stage change rather than one per poll. Advances to `nextStep` once the
 * execution has finished, however it finished.
 */
export async function followExecution(
  cloud: CloudPort,
  followed: FollowedExecution,
  seen: StageStatuses,
  nextStep: string,
): Promise<FollowedExecutionOutcome> {
  const { pipelineName, executionId } = followed;
  const pipelineState = await cloud.pipelines.getState(pipelineName);
  const execution = await cloud.pipelines.getExecution(pipelineName, executionId);
  const stageStatuses = stageStatusesOf(pipelineState, executionId, seen);
  if (!isRunning(execution.status)) {
    return {
      type: "advance",
      step: nextStep,
      message: `${followed.noun} ${executionId} is ${execution.status}`,
      state: { stageStatuses },
    };
  }
  const current = currentStageOf(pipelineState, stageStatuses);
  return {
    type: "wait",
    recheckAfterMs: PIPELINE_RECHECK_MS,
    // Superseded mode: an execution can wait at a stage's entrance while an older one runs there.
    message: current
      ? `${current.stage}: ${current.stageStatus}`
      : `${followed.noun} ${executionId} is waiting to enter a stage`,
    state: { stageStatuses },
    data: { executionId, stage: current?.stage ?? null, stageStatus: current?.stageStatus ?? null },
  };
}

const FAILURE_CODES: Partial<Record<PipelineExecutionStatus, string>> = {
  Failed: "deployment_failed",
  Superseded: "deployment_superseded",
  Stopped: "deployment_stopped",
  Cancelled: "deployment_stopped",
};

/**
 * The end of a finished execution: succeeded, or failed with the stage it
 * failed in. Goes back to `followStep` if it turns out to be still running.
 */
export async function finishedExecutionOutcome(
  cloud: CloudPort,
  followed: FollowedExecution,
  seen: StageStatuses,
  followStep: string,
  resultExtras: Record<string, unknown>,
): Promise<FollowedExecutionOutcome> {
  const { pipelineName, executionId, noun } = followed;
  const execution = await cloud.pipelines.getExecution(pipelineName, executionId);
  if (isRunning(execution.status)) {
    return { type: "advance", step: followStep, message: `${noun} ${executionId} is still ${execution.status}` };
  }
  const pipelineState = await cloud.pipelines.getState(pipelineName);
  const statuses = stageStatusesOf(pipelineState, executionId, seen);
  const stages = enteredStages(pipelineState, statuses).map(({ stage, stageStatus }) => ({
    name: stage,
    status: stageStatus,
  }));
  const result = {
    executionId,
    status: execution.status,
    sourceRevision: execution.sourceRevision,
    stages,
    ...resultExtras,
  };
  if (execution.status === "Succeeded") {
    return {
      type: "succeeded",
      message: `${noun} ${executionId} succeeded: ${stages.map((s) => s.name).join(" → ")}`,
      result,
    };
  }
  const summary = execution.statusSummary ? ` (${execution.statusSummary})` : "";
  if (execution.status === "Failed") {
    const failedStage = stages.find((stage) => stage.status === "Failed")?.name ?? null;
    return {
      type: "failed",
      code: "deployment_failed",
      message: `${noun} ${executionId} failed in stage ${failedStage ?? "(unknown)"}${summary}`,
      result: { ...result, failedStage },
    };
  }
  // A superseded execution was waiting between stages; a stopped one ended in the last stage it entered.
  const lastStage = stages.at(-1)?.name;
  const where = lastStage ? ` ${execution.status === "Superseded" ? "after" : "in"} stage ${lastStage}` : "";
  return {
    type: "failed",
    code: FAILURE_CODES[execution.status] ?? "deployment_stopped",
    message: `${noun} ${executionId} was ${execution.status.toLowerCase()}${where}${summary}`,
    result,
  };
}
