import { type Static, Type } from "typebox";
import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { PipelineExecution } from "../../cloud/cloudTypes.ts";
import { ConflictError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import { describeExecution, isRunning, PIPELINE_RECHECK_MS } from "./followedExecution.ts";
import { ExecutionId, Reason } from "./requestFields.ts";

const StopDeploymentBody = Type.Object(
  {
    executionId: ExecutionId,
    /** Stop at once, leaving in-progress actions unfinished; otherwise they finish first. */
    abandon: Type.Optional(Type.Boolean()),
    /** Passed to CodePipeline as the stop reason (it accepts up to 200 characters, the field's bound). */
    reason: Reason,
  },
  { additionalProperties: false },
);
export type StopDeploymentParams = Static<typeof StopDeploymentBody>;

/** Nothing is kept between ticks: each step looks the execution up by the id in the request. */
const StopDeploymentState = Type.Object({});

/**
 * A stop can also hurry an execution that is already stopping, but only by
 * abandoning it: CodePipeline refuses a second plain stop.
 */
const stoppable = (execution: PipelineExecution, abandon: boolean) =>
  execution.status === "InProgress" || (execution.status === "Stopping" && abandon);

/** Stop a running pipeline execution and wait until it has stopped. */
export const stopDeployment = defineOperation({
  kind: "stop_deployment",
  targetKinds: ["pipeline"],
  minRole: "operator",
  path: "deployments/stop",
  summary: "Stop a running pipeline execution",
  description: "`abandon: true` stops at once; otherwise in-progress actions finish first.",
  body: StopDeploymentBody,
  state: StopDeploymentState,
  // A plain stop lets the running actions finish first, and a deploy action can run for tens of minutes.
  defaultTimeoutMinutes: 60,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    const abandon = params.abandon ?? false;
    const execution = await describeExecution(cloud, target.cloudId, params.executionId);
    if (!stoppable(execution, abandon)) {
      const hint = execution.status === "Stopping" ? "; it is already stopping (abandon hurries it)" : "";
      throw new ConflictError(
        "execution_not_running",
        `execution ${execution.executionId} of ${target.cloudId} is ${execution.status}; only a running execution can be stopped${hint}`,
        { executionId: execution.executionId, status: execution.status },
      );
    }
    return {
      summary: abandon
        ? `abandon execution ${execution.executionId} of ${target.cloudId}: stop at once, in-progress actions are left unfinished`
        : `stop execution ${execution.executionId} of ${target.cloudId} once its in-progress actions finish`,
      changes: [{ field: "status", from: execution.status, to: "Stopped" }],
      checks: [{ name: "running", passed: true, detail: `${execution.executionId} is ${execution.status}` }],
    };
  },

  async step({ operation, target, cloud }) {
    const { executionId, reason } = operation.params;
    const abandon = operation.params.abandon ?? false;
    const execution = await describeExecution(cloud, target.cloudId, executionId);
    const data = { executionId, status: execution.status };
    switch (operation.step) {
      case "act": {
        // Check before acting: it may have finished by itself, or our stop (before a crash) already took.
        if (!stoppable(execution, abandon)) {
          return { type: "advance", step: "wait", message: `${executionId} is already ${execution.status}`, data };
        }
        try {
          await cloud.pipelines.stopExecution(target.cloudId, executionId, {
            abandon,
            ...(reason !== undefined && { reason }),
          });
        } catch (error) {
          // It finished or began stopping between the look and the call: the wait step sees which.
          if (!(isCloudError(error) && error.kind === "invalid_state")) throw error;
          return { type: "advance", step: "wait", message: `${executionId} could not be stopped: ${error.message}` };
        }
        return {
          type: "advance",
          step: "wait",
          message: abandon ? `abandoned ${executionId}` : `asked ${executionId} to stop after its running actions`,
          data,
        };
      }
      case "wait":
        if (isRunning(execution.status)) {
          return {
            type: "wait",
            recheckAfterMs: PIPELINE_RECHECK_MS,
            message: `${executionId} is ${execution.status}`,
            data,
          };
        }
        return { type: "advance", step: "verify", message: `${executionId} is ${execution.status}`, data };
      case "verify": {
        if (isRunning(execution.status)) {
          return { type: "advance", step: "wait", message: `${executionId} is still ${execution.status}` };
        }
        const stopped = execution.status === "Stopped";
        return {
          type: "succeeded",
          message: stopped
            ? `${executionId} stopped`
            : `${executionId} finished on its own as ${execution.status} before the stop took effect`,
          result: {
            executionId,
            status: execution.status,
            finishedOnItsOwn: !stopped,
            abandon,
            statusSummary: execution.statusSummary,
            reason: reason ?? null,
          },
        };
      }
      default:
        return { type: "failed", code: "unknown_step", message: `stop_deployment has no step ${operation.step}` };
    }
  },

  cancellableIn: (step) => step === "act",
});
