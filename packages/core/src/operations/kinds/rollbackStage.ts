import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { PipelineDescription, PipelineExecution } from "../../cloud/cloudTypes.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import {
  describeExecution,
  describeTargetPipeline,
  FollowedExecutionState,
  finishedExecutionOutcome,
  followExecution,
} from "./followedExecution.ts";
import { deployStageOf, lastKnownGoodOf, recentExecutions, rollbackStartedSince } from "./pipelineReleases.ts";
import { ExecutionId } from "./requestFields.ts";

const RollbackStageBody = Type.Object(
  {
    /** The stage to roll back; the last stage (where the pipeline deploys) when left out. */
    stageName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** An earlier execution that succeeded, whose artifacts the stage runs again; the last known-good release when left out. */
    targetExecutionId: Type.Optional(ExecutionId),
  },
  { additionalProperties: false },
);
export type RollbackStageParams = Static<typeof RollbackStageBody>;

/** The rollback is a pipeline execution, followed the way a deployment is; what it rolls back to is chosen once and kept. */
const RollbackStageState = Type.Object({
  ...FollowedExecutionState.properties,
  stageName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  targetExecutionId: Type.Optional(ExecutionId),
  targetRevision: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
});

function stageToRollBack(pipeline: PipelineDescription, stageName: string | undefined): string {
  const stage = stageName ?? deployStageOf(pipeline.stages);
  const problem = (rule: string, message: string) =>
    new ValidationError([{ field: "/stageName", rule, message }], undefined, { stages: pipeline.stages });
  if (stage === null) throw problem("stage", `${pipeline.name} has only a source stage, which cannot be rolled back`);
  const stageIndex = pipeline.stages.indexOf(stage);
  if (stageIndex < 0) {
    throw problem("stage", `${pipeline.name} has no stage ${stage}; its stages are ${pipeline.stages.join(", ")}`);
  }
  if (stageIndex === 0) {
    throw problem(
      "source_stage",
      `${stage} is the source stage, which CodePipeline cannot roll back; roll back one of ${pipeline.stages.slice(1).join(", ")}`,
    );
  }
  return stage;
}

/** The named execution, or the last known-good release before the one the stage runs now. */
async function rollbackTarget(
  cloud: CloudPort,
  pipelineName: string,
  stageName: string,
  targetExecutionId: string | undefined,
): Promise<PipelineExecution> {
  if (targetExecutionId !== undefined) return describeExecution(cloud, pipelineName, targetExecutionId);
  const recent = await recentExecutions(cloud, pipelineName);
  const inStage = (await cloud.pipelines.getState(pipelineName)).stages.find((s) => s.name === stageName)?.executionId;
  const current = inStage
    ? (recent.find((e) => e.executionId === inStage) ?? (await describeExecution(cloud, pipelineName, inStage)))
    : null;
  const good = lastKnownGoodOf(recent, current);
  if (!good) {
    throw new ConflictError(
      "no_known_good_release",
      `${pipelineName} has no earlier successful release to roll back to; name a targetExecutionId`,
    );
  }
  return describeExecution(cloud, pipelineName, good.executionId);
}

/** Re-run one stage with the artifacts of an earlier successful execution (by default: the deploy stage, the last known-good release), and follow that run. */
export const rollbackStage = defineOperation({
  kind: "rollback_stage",
  targetKinds: ["pipeline"],
  minRole: "operator",
  path: "rollback",
  summary: "Roll a pipeline stage back to an earlier successful execution",
  description:
    "Re-runs the stage with that execution's artifacts. Without arguments: the deploy stage (the last one), back to the last " +
    "known-good release (the newest successful execution before the live one that was not itself rolled back); the plan names it.",
  body: RollbackStageBody,
  state: RollbackStageState,
  // The rolled-back stage runs again in full (a deploy stage with its health checks), and may wait at its entrance.
  defaultTimeoutMinutes: 120,
  firstStep: "choose",

  async plan({ target, params, cloud }) {
    const pipeline = await describeTargetPipeline(cloud, target.cloudId);
    const stageName = stageToRollBack(pipeline, params.stageName);
    const targetExecution = await rollbackTarget(cloud, pipeline.name, stageName, params.targetExecutionId);
    if (targetExecution.status !== "Succeeded") {
      throw new ConflictError(
        "target_not_succeeded",
        `execution ${targetExecution.executionId} is ${targetExecution.status}; roll ${stageName} back only to an execution that succeeded`,
        { executionId: targetExecution.executionId, status: targetExecution.status },
      );
    }
    const stageNow = (await cloud.pipelines.getState(pipeline.name)).stages.find((s) => s.name === stageName);
    if (stageNow?.status === "InProgress" || stageNow?.status === "Stopping") {
      // CodePipeline refuses to roll back a stage while it runs; say so now rather than fail later.
      throw new ConflictError(
        "stage_in_progress",
        `${stageName} is ${stageNow.status} with execution ${stageNow.executionId}; wait for it or stop it before rolling back`,
        { executionId: stageNow.executionId, status: stageNow.status },
      );
    }
    const revision = targetExecution.sourceRevision;
    const chosen = params.targetExecutionId === undefined;
    return {
      summary: `roll ${stageName} of ${pipeline.name} back to ${chosen ? "the last known-good release, " : ""}the artifacts of execution ${targetExecution.executionId}${revision ? ` (revision ${revision})` : ""}`,
      changes: [
        {
          field: `stages/${stageName}`,
          from: stageNow?.executionId ? { executionId: stageNow.executionId, status: stageNow.status } : null,
          to: { executionId: targetExecution.executionId, sourceRevision: revision },
        },
      ],
      checks: [
        { name: "stage exists", passed: true, detail: `${stageName} is one of ${pipeline.stages.join(", ")}` },
        {
          name: "target succeeded",
          passed: true,
          detail: `${targetExecution.executionId} is Succeeded${chosen ? ": the last known-good release" : ""}`,
        },
        { name: "stage idle", passed: true, detail: `${stageName} is ${stageNow?.status ?? "not run yet"}` },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const { executionId } = operation.state;
    const stageName = operation.state.stageName ?? operation.params.stageName;
    const targetExecutionId = operation.state.targetExecutionId ?? operation.params.targetExecutionId;
    switch (operation.step) {
      case "choose": {
        if (operation.state.stageName && operation.state.targetExecutionId) {
          return { type: "advance", step: "act", message: "rollback target already chosen" };
        }
        // Chosen once and saved before acting: after the rollback starts, "the last known-good" would name another release.
        const pipeline = await describeTargetPipeline(cloud, target.cloudId);
        const stage = stageToRollBack(pipeline, operation.params.stageName);
        const chosen = await rollbackTarget(cloud, target.cloudId, stage, operation.params.targetExecutionId);
        return {
          type: "advance",
          step: "act",
          message: `rolling ${stage} back to execution ${chosen.executionId}${chosen.sourceRevision ? ` (revision ${chosen.sourceRevision})` : ""}`,
          state: { stageName: stage, targetExecutionId: chosen.executionId, targetRevision: chosen.sourceRevision },
          data: { stageName: stage, targetExecutionId: chosen.executionId, sourceRevision: chosen.sourceRevision },
        };
      }
      case "act": {
        if (executionId) {
          return { type: "advance", step: "wait", message: `rollback execution ${executionId} already started` };
        }
        if (!stageName || !targetExecutionId) {
          return { type: "advance", step: "choose", message: "no rollback target chosen yet" };
        }
        const revision =
          operation.state.targetRevision !== undefined
            ? operation.state.targetRevision
            : (await describeExecution(cloud, target.cloudId, targetExecutionId)).sourceRevision;
        const earlier = await rollbackStartedSince(cloud, target.cloudId, revision, operation.createdAt);
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
        if (!executionId || !stageName) {
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

  cancellableIn: (step) => step === "choose" || step === "act",
});
