import { type Static, Type } from "typebox";
import { ConflictError, ValidationError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import { planHealthGate } from "../healthGate/gatePlan.ts";
import { GatedDeploymentState } from "../healthGate/gateState.ts";
import {
  bake,
  chooseRollbackTarget,
  endRolledBack,
  followRollback,
  followWatched,
  recordBaseline,
  rollBackVersion,
  startRollback,
  stopBreached,
  verifyThenBake,
} from "../healthGate/gateSteps.ts";
import { HealthGateField, resolveThresholds } from "../healthGate/healthGateSettings.ts";
import { describeTargetPipeline, finishedExecutionOutcome, followExecution, isRunning } from "./followedExecution.ts";
import { Reason } from "./requestFields.ts";

const StartDeploymentBody = Type.Object(
  {
    /** A commit to build instead of the source's latest. */
    sourceRevision: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** Why, for the history. Kept in the plan and the result: StartPipelineExecution has no field for it on AWS. */
    reason: Reason,
    healthGate: HealthGateField,
  },
  { additionalProperties: false },
);
export type StartDeploymentParams = Static<typeof StartDeploymentBody>;

/** How many of the newest executions the start checks for one still running. */
const RECENT_EXECUTIONS = 10;

// ---- The operation ----

/** Start a pipeline execution and follow it stage by stage until it ends. */
export const startDeployment = defineOperation({
  kind: "start_deployment",
  targetKinds: ["pipeline"],
  minRole: "operator",
  path: "deployments",
  summary: "Start a pipeline execution behind a health gate and follow it stage by stage",
  description:
    "Records a baseline of the load balancer's 5xx ratio, latency and unhealthy targets, watches them while the deploy stage " +
    "runs and for a bake time after it, and on a breach rolls the deploy stage back to the last known-good release (ending " +
    "`failed` with code `rolled_back`). `healthGate: false` deploys without the gate.",
  body: StartDeploymentBody,
  state: GatedDeploymentState,
  // A pipeline with build and deploy stages: a build and a rolling deploy can each take tens of minutes.
  defaultTimeoutMinutes: 120,
  firstStep: "baseline",

  async plan({ target, params, cloud, now }) {
    if (params.sourceRevision !== undefined && params.sourceRevision.trim() === "") {
      throw new ValidationError([
        { field: "/sourceRevision", rule: "required", message: "give a commit or leave it out" },
      ]);
    }
    const pipeline = await describeTargetPipeline(cloud, target.cloudId);
    const recent = await cloud.pipelines.listExecutions(pipeline.name, RECENT_EXECUTIONS);
    const running = recent.find((execution) => isRunning(execution.status));
    if (running) {
      throw new ConflictError(
        "deployment_in_progress",
        `execution ${running.executionId} of ${pipeline.name} is ${running.status}; wait for it or stop it before starting another`,
        { executionId: running.executionId, status: running.status },
      );
    }
    const gate = await planHealthGate(cloud, pipeline.name, params.healthGate, now);
    const state = await cloud.pipelines.getState(pipeline.name);
    const revision = params.sourceRevision ?? "latest";
    const latest = recent[0];
    return {
      summary:
        `start ${pipeline.name} at ${params.sourceRevision ?? "the latest source revision"} and follow it through ` +
        `${pipeline.stages.join(" → ")}${params.reason ? `; reason: ${params.reason}` : ""}`,
      changes: pipeline.stages.map((name) => {
        const now = state.stages.find((stage) => stage.name === name);
        return {
          field: `stages/${name}`,
          from: now?.executionId ? { executionId: now.executionId, status: now.status } : null,
          to: { sourceRevision: revision },
        };
      }),
      checks: [
        {
          name: "no execution running",
          passed: true,
          detail: latest ? `the latest, ${latest.executionId}, is ${latest.status}` : "the pipeline has never run",
        },
        { name: "stages", passed: true, detail: pipeline.stages.join(" → ") },
        ...gate.checks,
      ],
      healthGate: gate.healthGate,
    };
  },

  async step({ operation, target, cloud, now }) {
    const { executionId } = operation.state;
    const thresholds = resolveThresholds(operation.params.healthGate);
    const reason = operation.params.reason ?? null;
    const gate = thresholds ? { operation, target, cloud, now, thresholds } : null;
    if (operation.step === "baseline") {
      if (gate) return recordBaseline(gate);
      return {
        type: "advance",
        step: "act",
        message: "health gate off by request: the site is not watched and a bad release is not rolled back by itself",
        data: { healthGate: false },
      };
    }
    // Operations stored before the gate existed (or with it off) have no baseline: they are followed as before.
    const watched = gate && operation.state.gateBaseline ? gate : null;
    switch (operation.step) {
      case "act": {
        if (executionId) {
          return { type: "advance", step: "follow", message: `execution ${executionId} already started` };
        }
        // The operation id as clientRequestToken: if this step runs again after a crash, CodePipeline
        // (and the simulator) return the execution the first call started instead of starting another.
        const started = await cloud.pipelines.startExecution(target.cloudId, {
          clientRequestToken: operation.id,
          ...(operation.params.sourceRevision !== undefined && { sourceRevision: operation.params.sourceRevision }),
          ...(operation.params.reason !== undefined && { reason: operation.params.reason }),
        });
        return {
          type: "advance",
          step: "follow",
          message: `started execution ${started.executionId} of ${target.cloudId}`,
          state: { executionId: started.executionId },
          data: { executionId: started.executionId },
        };
      }
      case "follow":
      case "verify": {
        if (!executionId) {
          return { type: "failed", code: "missing_execution", message: "no execution id was saved by the act step" };
        }
        if (watched) {
          if (operation.step === "follow") return followWatched(watched, executionId);
          return verifyThenBake(watched, executionId, reason);
        }
        const followed = { pipelineName: target.cloudId, executionId, noun: "deployment" };
        const seen = operation.state.stageStatuses ?? {};
        if (operation.step === "follow") return followExecution(cloud, followed, seen, "verify");
        return finishedExecutionOutcome(cloud, followed, seen, "follow", { reason });
      }
      case "bake":
      case "stop":
      case "rollback":
      case "rollback_start":
      case "rollback_wait":
      case "rollback_version":
      case "rollback_version_wait":
      case "rolled_back": {
        if (!watched || !executionId) {
          return {
            type: "failed",
            code: "missing_baseline",
            message: `step ${operation.step} needs the gate's baseline and execution`,
          };
        }
        if (operation.step === "bake") return bake(watched, executionId, reason);
        if (operation.step === "stop") return stopBreached(watched, executionId);
        if (operation.step === "rollback") return chooseRollbackTarget(watched, executionId);
        if (operation.step === "rollback_start") return startRollback(watched);
        if (operation.step === "rollback_wait") return followRollback(watched);
        if (operation.step === "rollback_version" || operation.step === "rollback_version_wait") {
          return rollBackVersion(watched, executionId);
        }
        return endRolledBack(watched, executionId);
      }
      default:
        return { type: "failed", code: "unknown_step", message: `start_deployment has no step ${operation.step}` };
    }
  },

  cancellableIn: (step) => step === "baseline" || step === "act",
});
