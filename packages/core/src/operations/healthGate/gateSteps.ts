import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { Resource } from "../../inventory/types.ts";
import { followVersionRollback, previousVersionOf, startVersionRollback } from "../kinds/beanstalkRollback.ts";
import {
  describeExecution,
  describeTargetPipeline,
  finishedExecutionOutcome,
  followExecution,
  isRunning,
  PIPELINE_RECHECK_MS,
} from "../kinds/followedExecution.ts";
import { deployStageOf, lastKnownGoodOf, recentExecutions, rollbackStartedSince } from "../kinds/pipelineReleases.ts";
import type { OperationRecord, StepOutcome } from "../operationTypes.ts";
import { judgeReading } from "./gateJudgement.ts";
import {
  BASELINE_WINDOW_MINUTES,
  describeReading,
  gateBalancerOf,
  readGateSignals,
  WATCH_WINDOW_MINUTES,
} from "./gateSignals.ts";
import type { GatedDeploymentStateValue } from "./gateState.ts";
import type { ResolvedThresholds } from "./healthGateSettings.ts";
import { criticalRollbackFailure } from "./rollbackFailure.ts";

/**
 * The health gate's steps of a deployment: baseline before acting, a watch
 * while the deploy stage runs and for the bake time after it, and on a breach
 * stop → choose the release to return to → roll the deploy stage back →
 * follow the rollback → end `rolled_back`. Each step saves what it learnt
 * before the next acts, and checks the cloud before acting, so a step that
 * runs again after a crash neither stops, nor rolls back, twice.
 */

type State = GatedDeploymentStateValue;
type Outcome = StepOutcome<State>;
export interface GateStepContext {
  operation: OperationRecord<unknown, State>;
  target: Resource;
  cloud: CloudPort;
  now: Date;
  thresholds: ResolvedThresholds;
}

/** The bake's watch interval: a minute, CloudWatch's period for these metrics. */
export const BAKE_RECHECK_MS = 60_000;

export async function recordBaseline({ operation, target, cloud, now }: GateStepContext): Promise<Outcome> {
  if (operation.state.gateBaseline) {
    return { type: "advance", step: "act", message: "baseline already recorded" };
  }
  const balancer = await cloud.loadBalancers.findForPipeline(target.cloudId);
  if (!balancer) {
    return {
      type: "failed",
      code: "no_health_signal",
      message: `the cloud shows no load balancer behind ${target.cloudId}'s deploy stage, so nothing can be watched; deploy with "healthGate": false to go without a gate`,
    };
  }
  const pipeline = await describeTargetPipeline(cloud, target.cloudId);
  const gateBalancer = gateBalancerOf(balancer);
  const baseline = await readGateSignals(cloud, gateBalancer, now, BASELINE_WINDOW_MINUTES);
  return {
    type: "advance",
    step: "act",
    message: `health gate baseline on ${balancer.loadBalancerDimension}: ${describeReading(baseline)}`,
    state: {
      gateBalancer,
      gateBaseline: baseline,
      deployStage: deployStageOf(pipeline.stages) ?? pipeline.stages.at(-1) ?? "",
    },
    data: { baseline },
  };
}

/** One look at the site: a breach with its numbers, or the state to keep (the unhealthy-since mark) and a line for the events. */
async function watch(
  context: GateStepContext,
  during: "deploy" | "bake",
): Promise<{
  breach: { message: string; state: State; data: Record<string, unknown> } | null;
  healthy: State;
  reading: string;
}> {
  const { operation, cloud, now, thresholds } = context;
  const { gateBalancer, gateBaseline } = operation.state;
  if (!gateBalancer || !gateBaseline) throw new Error("the health gate has no baseline");
  const reading = await readGateSignals(cloud, gateBalancer, now, WATCH_WINDOW_MINUTES);
  const judged = judgeReading(thresholds, gateBaseline, reading, operation.state.unhealthySince ?? null, during);
  const healthy = { unhealthySince: judged.unhealthySince };
  if (!judged.breach) return { breach: null, healthy, reading: describeReading(reading) };
  return {
    breach: {
      message: `health gate breached during the ${during}: ${judged.breach.message}; rolling back`,
      state: { ...healthy, breach: judged.breach },
      data: { breach: judged.breach, reading, baseline: gateBaseline },
    },
    healthy,
    reading: describeReading(reading),
  };
}

/** Follows the deployment; while its deploy stage runs, a breach stops it and rolls back. */
export async function followWatched(context: GateStepContext, executionId: string): Promise<Outcome> {
  const { operation, target, cloud } = context;
  const followed = { pipelineName: target.cloudId, executionId, noun: "deployment" };
  const outcome = await followExecution(cloud, followed, operation.state.stageStatuses ?? {}, "verify");
  if (outcome.type !== "wait" || outcome.data?.stage !== operation.state.deployStage) return outcome;
  const looked = await watch(context, "deploy");
  if (looked.breach) {
    const { message, state, data } = looked.breach;
    return { type: "advance", step: "stop", message, state: { ...outcome.state, ...state }, data };
  }
  return { ...outcome, state: { ...outcome.state, ...looked.healthy } };
}

/** The deployment finished: a success starts the bake; anything else ends as it would without a gate. */
export async function verifyThenBake(
  context: GateStepContext,
  executionId: string,
  reason: string | null,
): Promise<Outcome> {
  const { operation, target, cloud, now, thresholds } = context;
  const followed = { pipelineName: target.cloudId, executionId, noun: "deployment" };
  const outcome = await finishedExecutionOutcome(cloud, followed, operation.state.stageStatuses ?? {}, "follow", {
    reason,
  });
  if (outcome.type !== "succeeded") return outcome;
  const bakeEndsAt = new Date(now.getTime() + thresholds.bakeMinutes * 60_000).toISOString();
  return {
    type: "advance",
    step: "bake",
    message: `${outcome.message}; watching the site for ${thresholds.bakeMinutes} min before calling it good`,
    state: { bakeEndsAt },
    data: { executionId, bakeEndsAt },
  };
}

export async function bake(context: GateStepContext, executionId: string, reason: string | null): Promise<Outcome> {
  const { operation, target, cloud, now, thresholds } = context;
  const looked = await watch(context, "bake");
  if (looked.breach) {
    const { message, state, data } = looked.breach;
    return { type: "advance", step: "rollback", message, state, data };
  }
  const endsAt = Date.parse(operation.state.bakeEndsAt ?? now.toISOString());
  if (now.getTime() < endsAt) {
    const left = Math.ceil((endsAt - now.getTime()) / 60_000);
    return {
      type: "wait",
      recheckAfterMs: Math.min(BAKE_RECHECK_MS, endsAt - now.getTime()),
      message: `baking, ${left} min left: ${looked.reading}`,
      state: looked.healthy,
    };
  }
  const followed = { pipelineName: target.cloudId, executionId, noun: "deployment" };
  const outcome = await finishedExecutionOutcome(cloud, followed, operation.state.stageStatuses ?? {}, "follow", {
    reason,
    healthGate: { thresholds, baseline: operation.state.gateBaseline ?? null, lastReading: looked.reading },
  });
  if (outcome.type !== "succeeded") return outcome;
  return { ...outcome, message: `${outcome.message}; healthy through the ${thresholds.bakeMinutes} min bake` };
}

/** A breach while the deploy stage runs: stop the execution at once (a running stage cannot be rolled back). */
export async function stopBreached(
  { operation, target, cloud }: GateStepContext,
  executionId: string,
): Promise<Outcome> {
  const execution = await describeExecution(cloud, target.cloudId, executionId);
  if (!isRunning(execution.status)) {
    return { type: "advance", step: "rollback", message: `deployment ${executionId} is ${execution.status}` };
  }
  if (execution.status === "InProgress") {
    try {
      await cloud.pipelines.stopExecution(target.cloudId, executionId, {
        abandon: true,
        reason: `health gate: ${operation.state.breach?.signal ?? "breach"}`.slice(0, 200),
      });
    } catch (error) {
      // It finished or began stopping between the look and the call: the next look sees which.
      if (!(isCloudError(error) && error.kind === "invalid_state")) throw error;
    }
  }
  return { type: "wait", recheckAfterMs: PIPELINE_RECHECK_MS / 6, message: `stopping deployment ${executionId}` };
}

/** Chooses the release to return to and saves it before anything is started, so a retried start knows what to look for. */
export async function chooseRollbackTarget(context: GateStepContext, executionId: string): Promise<Outcome> {
  const { operation, target, cloud } = context;
  if (operation.state.rollbackTargetExecutionId) {
    return { type: "advance", step: "rollback_start", message: "rollback target already chosen" };
  }
  if (operation.state.rollbackVersion) {
    return { type: "advance", step: "rollback_version", message: "previous application version already chosen" };
  }
  const ours = await describeExecution(cloud, target.cloudId, executionId);
  const good = lastKnownGoodOf(await recentExecutions(cloud, target.cloudId), ours);
  if (!good) {
    const environmentName = operation.state.gateBalancer?.environmentName;
    const why = `no earlier successful execution of ${target.cloudId} to roll back to`;
    if (!environmentName) return rollbackFailed(operation.state, why);
    return chooseVersionRollback(context, environmentName, why);
  }
  return {
    type: "advance",
    step: "rollback_start",
    message: `rolling ${operation.state.deployStage} back to the last known-good release: execution ${good.executionId}${good.sourceRevision ? ` (revision ${good.sourceRevision})` : ""}`,
    state: { rollbackTargetExecutionId: good.executionId, rollbackTargetRevision: good.sourceRevision },
    data: { targetExecutionId: good.executionId, sourceRevision: good.sourceRevision },
  };
}

export async function startRollback({ operation, target, cloud }: GateStepContext): Promise<Outcome> {
  const { rollbackExecutionId, rollbackTargetExecutionId, rollbackTargetRevision, deployStage } = operation.state;
  if (rollbackExecutionId) {
    return { type: "advance", step: "rollback_wait", message: `rollback ${rollbackExecutionId} already started` };
  }
  if (!rollbackTargetExecutionId || !deployStage) {
    return { type: "advance", step: "rollback", message: "no rollback target saved yet" };
  }
  const earlier = await rollbackStartedSince(
    cloud,
    target.cloudId,
    rollbackTargetRevision ?? null,
    operation.createdAt,
  );
  let started = earlier;
  if (!started) {
    try {
      started = (await cloud.pipelines.rollbackStage(target.cloudId, deployStage, rollbackTargetExecutionId))
        .executionId;
    } catch (error) {
      if (!isCloudError(error) || error.retryable) throw error;
      return rollbackFailed(operation.state, `${target.cloudId} refused the rollback: ${error.message}`);
    }
  }
  return {
    type: "advance",
    step: "rollback_wait",
    message: earlier
      ? `rollback execution ${earlier} was already started`
      : `rolling ${deployStage} back to execution ${rollbackTargetExecutionId} as execution ${started}`,
    state: { rollbackExecutionId: started },
    data: { rollbackExecutionId: started },
  };
}

export async function followRollback({ operation, target, cloud }: GateStepContext): Promise<Outcome> {
  const executionId = operation.state.rollbackExecutionId;
  if (!executionId) return { type: "advance", step: "rollback_start", message: "no rollback execution saved yet" };
  const followed = {
    pipelineName: target.cloudId,
    executionId,
    noun: `automatic rollback of ${operation.state.deployStage}`,
  };
  const outcome = await followExecution(cloud, followed, operation.state.rollbackStageStatuses ?? {}, "rolled_back");
  const rollbackStageStatuses =
    outcome.type === "wait" || outcome.type === "advance" ? outcome.state?.stageStatuses : undefined;
  if (outcome.type === "wait") return { ...outcome, state: { rollbackStageStatuses } };
  if (outcome.type === "advance") return { ...outcome, state: { rollbackStageStatuses } };
  return outcome;
}

/** The end of a breached deployment: `rolled_back` with the breach and the rollback's outcome, or a loud `rollback_failed`. */
export async function endRolledBack(context: GateStepContext, executionId: string): Promise<Outcome> {
  const { operation, target, cloud, now } = context;
  const { rollbackExecutionId, breach, gateBalancer, gateBaseline } = operation.state;
  if (!rollbackExecutionId)
    return { type: "advance", step: "rollback_start", message: "no rollback execution saved yet" };
  const rollback = await describeExecution(cloud, target.cloudId, rollbackExecutionId);
  if (isRunning(rollback.status)) {
    return {
      type: "advance",
      step: "rollback_wait",
      message: `rollback ${rollbackExecutionId} is still ${rollback.status}`,
    };
  }
  const after = gateBalancer ? await readGateSignals(cloud, gateBalancer, now, WATCH_WINDOW_MINUTES) : null;
  const result = {
    executionId,
    breach: breach ?? null,
    baseline: gateBaseline ?? null,
    rollback: {
      executionId: rollbackExecutionId,
      stageName: operation.state.deployStage ?? null,
      targetExecutionId: operation.state.rollbackTargetExecutionId ?? null,
      sourceRevision: rollback.sourceRevision,
      status: rollback.status,
      statusSummary: rollback.statusSummary,
    },
    afterRollback: after,
  };
  if (rollback.status !== "Succeeded") {
    return rollbackFailed(
      operation.state,
      `the rollback ${rollbackExecutionId} ended ${rollback.status}${rollback.statusSummary ? ` (${rollback.statusSummary})` : ""}`,
      result,
    );
  }
  return {
    type: "failed",
    code: "rolled_back",
    message: `${breach?.message ?? "the health gate breached"}; rolled ${operation.state.deployStage} back to execution ${operation.state.rollbackTargetExecutionId} (revision ${rollback.sourceRevision}): rollback ${rollbackExecutionId} Succeeded${after ? `; now ${describeReading(after)}` : ""}`,
    result,
  };
}

/**
 * Without an earlier release of the pipeline, the environment its deploy action updates goes back
 * to Beanstalk's previous application version; chosen and saved before anything is started.
 */
async function chooseVersionRollback(context: GateStepContext, environmentName: string, why: string): Promise<Outcome> {
  const { operation, cloud } = context;
  const environment = await cloud.beanstalk.findEnvironmentByName(environmentName);
  const previous = environment ? await previousVersionOf(cloud, environment) : null;
  if (!environment || !previous) {
    return rollbackFailed(operation.state, `${why}, and ${environmentName} has no previous application version`);
  }
  return {
    type: "advance",
    step: "rollback_version",
    message: `${why}: rolling ${environmentName} back to Beanstalk's previous application version ${previous} (it runs ${environment.versionLabel ?? "an unknown version"})`,
    state: { rollbackVersion: { environmentName, fromVersion: environment.versionLabel, toVersion: previous } },
    data: { environmentName, fromVersion: environment.versionLabel, versionLabel: previous },
  };
}

/** `rollback_version` (UpdateEnvironment unless done or under way) and `rollback_version_wait` (followed to Ready). */
export async function rollBackVersion(context: GateStepContext, executionId: string): Promise<Outcome> {
  const { operation, cloud, now } = context;
  const chosen = operation.state.rollbackVersion;
  if (!chosen) return { type: "advance", step: "rollback", message: "no previous version chosen yet" };
  const { environmentName, toVersion } = chosen;
  const acting = operation.step === "rollback_version";
  let progress: Awaited<ReturnType<typeof startVersionRollback>>;
  try {
    progress = acting
      ? await startVersionRollback(cloud, environmentName, toVersion)
      : await followVersionRollback(cloud, environmentName, toVersion);
  } catch (error) {
    if (!isCloudError(error) || error.retryable) throw error;
    return rollbackFailed(operation.state, `${environmentName} refused the update to ${toVersion}: ${error.message}`);
  }
  if (progress.state === "failed") return rollbackFailed(operation.state, progress.why);
  if (progress.state === "started") {
    return {
      type: "advance",
      step: "rollback_version_wait",
      message: `UpdateEnvironment ${environmentName} to ${toVersion}`,
    };
  }
  if (progress.state === "updating") {
    return {
      type: "wait",
      recheckAfterMs: PIPELINE_RECHECK_MS / 6,
      message: `${environmentName} ${progress.environment.status} (${progress.environment.health ?? "?"}) on its way back to ${toVersion}`,
    };
  }
  if (acting)
    return { type: "advance", step: "rollback_version_wait", message: `${environmentName} already runs ${toVersion}` };
  const { breach, gateBalancer, gateBaseline } = operation.state;
  const after = gateBalancer ? await readGateSignals(cloud, gateBalancer, now, WATCH_WINDOW_MINUTES) : null;
  return {
    type: "failed",
    code: "rolled_back",
    message: `${breach?.message ?? "the health gate breached"}; rolled ${environmentName} back to Beanstalk's previous application version ${toVersion}: Ready and ${progress.environment.health ?? "no health"}${after ? `; now ${describeReading(after)}` : ""}`,
    result: {
      executionId,
      breach: breach ?? null,
      baseline: gateBaseline ?? null,
      rollback: { environmentName, fromVersion: chosen.fromVersion, versionLabel: toVersion, status: "Succeeded" },
      afterRollback: after,
    },
  };
}

function rollbackFailed(state: State, why: string, result: Record<string, unknown> = {}): Outcome {
  return criticalRollbackFailure(state.breach ?? null, why, result);
}
