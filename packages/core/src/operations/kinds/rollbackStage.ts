import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import { ExecutionId } from "./requestFields.ts";
import {
  describeExecution,
  describeTargetPipeline,
  FollowedExecutionState,
  finishedExecutionOutcome,
  followExecution,
} from "./startDeployment.ts";

const RollbackStageBody = Type.Object(
  {
    stageName: Type.String({ minLength: 1, maxLength: 100 }),
    /** An earlier execution that succeeded; the stage runs again with its artifacts. */
    targetExecutionId: ExecutionId,
  },
  { additionalProperties: false },
);
export type RollbackStageParams = Static<typeof RollbackStageBody>;

/** The trigger CodePipeline (and the simulator) gives the execution a RollbackStage call starts. */
const ROLLBACK_TRIGGER = "ManualRollback";
/** Absorbs clock skew between the control plane and the cloud when matching start times. */
const CLOCK_SLACK_MS = 60_000;
const RECENT_EXECUTIONS = 20;

/**
 * A rollback this operation already started (the act step ran, then the
 * worker crashed before saving the id): RollbackStage has no idempotency
 * token, so look for a rollback execution to the same revision that started
 * after the operation was created.
 */
async function rollbackStartedSince(
  cloud: CloudPort,
  pipelineName: string,
  sourceRevision: string | null,
  since: Date,
): Promise<string | null> {
  const recent = await cloud.pipelines.listExecutions(pipelineName, RECENT_EXECUTIONS);
  const ours = recent.find(
    (execution) =>
      execution.trigger === ROLLBACK_TRIGGER &&
      execution.startedAt !== null &&
      execution.startedAt.getTime() >= since.getTime() - CLOCK_SLACK_MS &&
      (sourceRevision === null || execution.sourceRevision === sourceRevision),
  );
  return ours?.executionId ?? null;
}

/** Re-run one stage with the artifacts of an earlier successful execution, and follow that run. */
export const rollbackStage = defineOperation({
  kind: "rollback_stage",
  targetKinds: ["pipeline"],
  minRole: "operator",
  path: "rollback",
  summary: "Roll a pipeline stage back to an earlier successful execution",
  description: "Re-runs the stage with that execution's artifacts.",
  body: RollbackStageBody,
  // The rollback is a pipeline execution, followed the way a deployment is.
  state: FollowedExecutionState,
  // The rolled-back stage runs again in full (a deploy stage with its health checks), and may wait at its entrance.
  defaultTimeoutMinutes: 120,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    const pipeline = await describeTargetPipeline(cloud, target.cloudId);
    const stageIndex = pipeline.stages.indexOf(params.stageName);
    if (stageIndex < 0) {
      throw new ValidationError(
        [
          {
            field: "/stageName",
            rule: "stage",
            message: `${pipeline.name} has no stage ${params.stageName}; its stages are ${pipeline.stages.join(", ")}`,
          },
        ],
        undefined,
        { stages: pipeline.stages },
      );
    }
    if (stageIndex === 0) {
      throw new ValidationError(
        [
          {
            field: "/stageName",
            rule: "source_stage",
            message: `${params.stageName} is the source stage, which CodePipeline cannot roll back; roll back one of ${pipeline.stages.slice(1).join(", ")}`,
          },
        ],
        undefined,
        { stages: pipeline.stages },
      );
    }
    const targetExecution = await describeExecution(cloud, pipeline.name, params.targetExecutionId);
    if (targetExecution.status !== "Succeeded") {
      throw new ConflictError(
        "target_not_succeeded",
        `execution ${targetExecution.executionId} is ${targetExecution.status}; roll ${params.stageName} back only to an execution that succeeded`,
        { executionId: targetExecution.executionId, status: targetExecution.status },
      );
    }
    const stageNow = (await cloud.pipelines.getState(pipeline.name)).stages.find((s) => s.name === params.stageName);
    if (stageNow?.status === "InProgress" || stageNow?.status === "Stopping") {
      // CodePipeline refuses to roll back a stage while it runs; say so now rather than fail later.
      throw new ConflictError(
        "stage_in_progress",
        `${params.stageName} is ${stageNow.status} with execution ${stageNow.executionId}; wait for it or stop it before rolling back`,
        { executionId: stageNow.executionId, status: stageNow.status },
      );
    }
    const revision = targetExecution.sourceRevision;
    return {
      summary: `roll ${params.stageName} of ${pipeline.name} back to the artifacts of execution ${targetExecution.executionId}${revision ? ` (revision ${revision})` : ""}`,
      changes: [
        {
          field: `stages/${params.stageName}`,
          from: stageNow?.executionId ? { executionId: stageNow.executionId, status: stageNow.status } : null,
          to: { executionId: targetExecution.executionId, sourceRevision: revision },
        },
      ],
      checks: [
        { name: "stage exists", passed: true, detail: `${params.stageName} is one of ${pipeline.stages.join(", ")}` },
        { name: "target succeeded", passed: true, detail: `${targetExecution.executionId} is Succeeded` },
        { name: "stage idle", passed: true, detail: `${params.stageName} is ${stageNow?.status ?? "not run yet"}` },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const { stageName, targetExecutionId } = operation.params;
    const { executionId } = operation.state;
    switch (operation.step) {
      case "act": {
        if (executionId) {
          return { type: "advance", step: "wait", message: `rollback execution ${executionId} already started` };
        }
        const targetExecution = await describeExecution(cloud, target.cloudId, targetExecutionId);
        const earlier = await rollbackStartedSince(
          cloud,
          target.cloudId,
          targetExecution.sourceRevision,
          operation.createdAt,
        );
        const started = earlier
          ? { executionId: earlier }
          : await cloud.pipelines.rollbackStage(target.cloudId, stageName, targetExecutionId);
        return {
          type: "advance",
          step: "wait",
          message: earlier
            ? `rollback execution ${earlier} of ${stageName} was already started`
            : `rolling ${stageName} back to execution ${targetExecutionId} as execution ${started.executionId}`,
          state: { executionId: started.executionId },
          data: { executionId: started.executionId },
        };
      }
      case "wait":
      case "verify": {
        if (!executionId) {
          return { type: "failed", code: "missing_execution", message: "no execution id was saved by the act step" };
        }
        const followed = { pipelineName: target.cloudId, executionId, noun: `rollback of ${stageName}` };
        const seen = operation.state.stageStatuses ?? {};
        if (operation.step === "wait") return followExecution(cloud, followed, seen, "verify");
        return finishedExecutionOutcome(cloud, followed, seen, "wait", { stageName, targetExecutionId });
      }
      default:
        return { type: "failed", code: "unknown_step", message: `rollback_stage has no step ${operation.step}` };
    }
  },

  cancellableIn: (step) => step === "act",
});
