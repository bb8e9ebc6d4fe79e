import type {
  PipelineDescription,
  PipelineExecution,
  PipelineExecutionSummary,
  PipelineState,
  StartExecutionRequest,
} from "@fastier/core";
import { admitWaiting, arriveAtStage, currentStage, plannedFailure, runningIn } from "./pipelineStageEngine.ts";
import { simError } from "./simErrors.ts";
import { newCommitId, newExecutionId } from "./simIds.ts";
import type { SimChange, SimContext, SimExecution, SimPipeline, SimWorld } from "./simState.ts";
import { toDate, toIso, toMs } from "./simTime.ts";

/** The CodePipeline API over the simulated pipelines; how executions move through stages is in pipelineStageEngine.ts. */

const KEPT_EXECUTIONS = 100;
const FINISHED = new Set(["Succeeded", "Failed", "Stopped", "Superseded", "Cancelled"]);

export function findPipeline(world: SimWorld, name: string): SimPipeline {
  const pipeline = world.pipelines.find((candidate) => candidate.name === name);
  if (!pipeline) {
    throw simError(
      "not_found",
      "codepipeline",
      "PipelineNotFoundException",
      `Account '${world.awsAccountId}' does not have a pipeline with name '${name}'`,
    );
  }
  return pipeline;
}

function findExecution(pipeline: SimPipeline, executionId: string): SimExecution {
  const execution = pipeline.executions.find((candidate) => candidate.executionId === executionId);
  if (!execution) {
    throw simError(
      "not_found",
      "codepipeline",
      "PipelineExecutionNotFoundException",
      `Pipeline execution ${executionId} does not exist in pipeline ${pipeline.name}`,
    );
  }
  return execution;
}

export function describePipeline(world: SimWorld, name: string): PipelineDescription {
  const pipeline = findPipeline(world, name);
  return { name: pipeline.name, arn: pipeline.arn, stages: [...pipeline.stages] };
}

export function startExecution(
  world: SimWorld,
  ctx: SimContext,
  pipelineName: string,
  request: StartExecutionRequest,
): SimChange<{ executionId: string }> {
  findPipeline(world, pipelineName);
  const token = request.clientRequestToken;
  if (token.length === 0 || token.length > 128) {
    throw simError(
      "invalid_request",
      "codepipeline",
      "ValidationException",
      "clientRequestToken must be 1 to 128 characters long",
    );
  }
  const earlier = findPipeline(world, pipelineName).requestTokens[token];
  if (earlier) return { world, result: { executionId: earlier } };

  const next = structuredClone(world);
  const pipeline = findPipeline(next, pipelineName);
  const execution = newExecution(next, ctx, pipeline, {
    stages: pipeline.stages,
    sourceRevision: request.sourceRevision ?? newCommitId(next),
    trigger: "StartPipelineExecution",
    reason: request.reason ?? null,
  });
  pipeline.requestTokens[token] = execution.executionId;
  arriveAtStage(pipeline, execution, 0, ctx.now);
  pruneExecutions(pipeline);
  return { world: next, result: { executionId: execution.executionId } };
}

function newExecution(
  world: SimWorld,
  ctx: SimContext,
  pipeline: SimPipeline,
  what: { stages: string[]; sourceRevision: string; trigger: string; reason: string | null },
): SimExecution {
  const executionId = newExecutionId(world);
  const execution: SimExecution = {
    executionId,
    sequence: world.sequence,
    status: "InProgress",
    startedAt: toIso(ctx.now),
    updatedAt: toIso(ctx.now),
    sourceRevision: what.sourceRevision,
    trigger: what.trigger,
    reason: what.reason,
    statusSummary: null,
    stages: [...what.stages],
    stageRuns: {},
    position: null,
    failsAtStage: plannedFailure(ctx, executionId, what.stages),
    stopRequest: null,
  };
  pipeline.executions.push(execution);
  return execution;
}

export function stopExecution(
  world: SimWorld,
  ctx: SimContext,
  pipelineName: string,
  executionId: string,
  options: { abandon: boolean; reason?: string },
): SimChange<void> {
  const next = structuredClone(world);
  const pipeline = findPipeline(next, pipelineName);
  const execution = findExecution(pipeline, executionId);
  if (execution.status !== "InProgress" && execution.status !== "Stopping") {
    throw simError(
      "invalid_state",
      "codepipeline",
      "PipelineExecutionNotStoppableException",
      `Unable to stop pipeline execution ${executionId}: it is ${execution.status}, not in a stoppable state.`,
    );
  }
  if (execution.status === "Stopping" && !options.abandon) {
    throw simError(
      "invalid_state",
      "codepipeline",
      "DuplicatedStopRequestException",
      `Pipeline execution ${executionId} is already stopping; only an abandon request can hurry it.`,
    );
  }
  const reason = options.reason ?? null;
  execution.stopRequest = { abandon: options.abandon, reason };
  execution.updatedAt = toIso(ctx.now);
  const stage = currentStage(execution);
  if (options.abandon || execution.position?.phase === "waiting") {
    // Nothing runs to completion: the action (if any) is abandoned and the stage frees at once.
    const run = stage ? execution.stageRuns[stage] : undefined;
    const wasRunning = execution.position?.phase === "running";
    if (run && wasRunning) {
      run.status = "Stopped";
      run.finishedAt = toIso(ctx.now);
    }
    execution.status = "Stopped";
    execution.statusSummary = reason ?? (options.abandon ? "Abandoned by request" : "Stopped while waiting");
    execution.position = null;
    if (stage && wasRunning) admitWaiting(pipeline, stage, ctx.now);
  } else {
    execution.status = "Stopping";
    const run = stage ? execution.stageRuns[stage] : undefined;
    if (run) run.status = "Stopping";
  }
  return { world: next, result: undefined };
}

/** Re-runs one stage with the revision of an earlier execution that succeeded in it. */
export function rollbackStage(
  world: SimWorld,
  ctx: SimContext,
  pipelineName: string,
  stageName: string,
  targetExecutionId: string,
): SimChange<{ executionId: string }> {
  const next = structuredClone(world);
  const pipeline = findPipeline(next, pipelineName);
  const stageIndex = pipeline.stages.indexOf(stageName);
  if (stageIndex < 0) {
    throw simError(
      "not_found",
      "codepipeline",
      "StageNotFoundException",
      `Stage ${stageName} does not exist in pipeline ${pipeline.name}; its stages are ${pipeline.stages.join(", ")}.`,
    );
  }
  if (stageIndex === 0) {
    throw simError(
      "invalid_request",
      "codepipeline",
      "UnableToRollbackStageException",
      `Stage ${stageName} is the source stage; source stages cannot be rolled back.`,
    );
  }
  const target = pipeline.executions.find((e) => e.executionId === targetExecutionId);
  if (target?.status !== "Succeeded" || target.stageRuns[stageName]?.status !== "Succeeded") {
    throw simError(
      "invalid_request",
      "codepipeline",
      "UnableToRollbackStageException",
      target
        ? `Execution ${targetExecutionId} is ${target.status} and did not succeed in stage ${stageName}; roll back to an execution that did.`
        : `Execution ${targetExecutionId} does not exist in pipeline ${pipeline.name}; roll back to an earlier successful execution.`,
    );
  }
  const running = runningIn(pipeline, stageName);
  if (running) {
    throw simError(
      "invalid_state",
      "codepipeline",
      "UnableToRollbackStageException",
      `Stage ${stageName} is running execution ${running.executionId}; wait for it or stop it before rolling back.`,
    );
  }
  const execution = newExecution(next, ctx, pipeline, {
    stages: [stageName],
    sourceRevision: target.sourceRevision,
    trigger: "ManualRollback",
    reason: `Roll back ${stageName} to execution ${targetExecutionId}`,
  });
  arriveAtStage(pipeline, execution, 0, ctx.now);
  pruneExecutions(pipeline);
  return { world: next, result: { executionId: execution.executionId } };
}

/** Bounds the document: the oldest finished executions (and their start tokens) are forgotten. */
function pruneExecutions(pipeline: SimPipeline) {
  let excess = pipeline.executions.length - KEPT_EXECUTIONS;
  if (excess <= 0) return;
  const dropped = new Set<string>();
  pipeline.executions = pipeline.executions.filter((execution) => {
    if (excess > 0 && FINISHED.has(execution.status)) {
      excess -= 1;
      dropped.add(execution.executionId);
      return false;
    }
    return true;
  });
  for (const [token, executionId] of Object.entries(pipeline.requestTokens)) {
    if (dropped.has(executionId)) delete pipeline.requestTokens[token];
  }
}

const summaryOf = (execution: SimExecution): PipelineExecutionSummary => ({
  executionId: execution.executionId,
  status: execution.status,
  startedAt: toDate(execution.startedAt),
  updatedAt: toDate(execution.updatedAt),
  sourceRevision: execution.sourceRevision,
  trigger: execution.trigger,
});

export function listExecutions(world: SimWorld, pipelineName: string, limit?: number): PipelineExecutionSummary[] {
  const pipeline = findPipeline(world, pipelineName);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw simError(
      "invalid_request",
      "codepipeline",
      "ValidationException",
      `maxResults must be 1 to 100; got ${limit}`,
    );
  }
  const newestFirst = [...pipeline.executions].sort((a, b) => b.sequence - a.sequence);
  return newestFirst.slice(0, limit ?? newestFirst.length).map(summaryOf);
}

export function getExecution(world: SimWorld, pipelineName: string, executionId: string): PipelineExecution {
  const pipeline = findPipeline(world, pipelineName);
  const execution = findExecution(pipeline, executionId);
  return { ...summaryOf(execution), pipelineName: pipeline.name, statusSummary: execution.statusSummary };
}

/** Each stage with the execution that entered it most recently, as GetPipelineState reports. */
export function getPipelineState(world: SimWorld, pipelineName: string): PipelineState {
  const pipeline = findPipeline(world, pipelineName);
  return {
    pipelineName: pipeline.name,
    stages: pipeline.stages.map((stage) => {
      let latest: { execution: SimExecution; startedAt: number } | null = null;
      for (const execution of pipeline.executions) {
        const run = execution.stageRuns[stage];
        if (!run) continue;
        const startedAt = toMs(run.startedAt);
        if (
          !latest ||
          startedAt > latest.startedAt ||
          (startedAt === latest.startedAt && execution.sequence > latest.execution.sequence)
        ) {
          latest = { execution, startedAt };
        }
      }
      return {
        name: stage,
        status: latest ? (latest.execution.stageRuns[stage]?.status ?? null) : null,
        executionId: latest?.execution.executionId ?? null,
      };
    }),
  };
}
