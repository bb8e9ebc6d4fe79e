import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import { criticalRollbackFailure } from "../healthGate/rollbackFailure.ts";
import type { StepOutcome } from "../operationTypes.ts";
import { blueBaseline, drainMinutesOf, greenJudgeMinutes, judgeGreenStep, watchLive } from "./blueGreenGate.ts";
import { BLUE_GREEN_RECHECK_MS, type BlueGreenState, type BlueGreenStepContext } from "./blueGreenState.ts";

type Outcome = StepOutcome<BlueGreenState>;

/**
 * The green environment's name: the blue one's with `-a` and `-b` alternating, so each deploy's
 * name is known before anything is created (a repeated step finds its own environment) and an
 * environment left by an earlier deploy blocks the next one instead of being mistaken for it.
 */
export function greenNameOf(blueName: string): string {
  const match = /^(.*)-([ab])$/.exec(blueName);
  const base = (match?.[1] ?? blueName).slice(0, 38);
  return `${base}-${match?.[2] === "b" ? "a" : "b"}`;
}

export const templateNameOf = (greenName: string, operationId: string) =>
  `${greenName}-from-${operationId.slice(0, 8)}`;

/** `save`: the blue environment's settings as a configuration template, once. */
export async function saveTemplateStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { cloud, blueName, greenName, operationId } = context;
  const blue = await cloud.beanstalk.findEnvironmentByName(blueName);
  if (!blue) return { type: "failed", code: "environment_gone", message: `${blueName} no longer exists` };
  const templateName = templateNameOf(greenName, operationId);
  const baseline = await blueBaseline(context);
  if (baseline && "failed" in baseline) return baseline.failed;
  const state = {
    blueEnvironmentId: blue.environmentId,
    applicationName: blue.applicationName,
    liveCname: context.state.liveCname ?? blue.cname,
    templateName,
    ...baseline?.state,
  };
  const gateLine = baseline ? `; ${baseline.message}` : "";
  if (await cloud.beanstalk.configurationTemplateExists(blue.applicationName, templateName)) {
    return {
      type: "advance",
      step: "create",
      message: `configuration template ${templateName} already saved${gateLine}`,
      state,
    };
  }
  await cloud.beanstalk.createConfigurationTemplate({
    applicationName: blue.applicationName,
    templateName,
    environmentId: blue.environmentId,
    description: `Settings of ${blueName} for blue/green deploy ${operationId}`,
  });
  return {
    type: "advance",
    step: "create",
    message: `saved ${blueName}'s configuration as template ${templateName}${gateLine}`,
    state,
  };
}

/** `create`: the green environment from the template with the new version, once. */
export async function createGreenStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { cloud, greenName, versionLabel, state } = context;
  const existing = await cloud.beanstalk.findEnvironmentByName(greenName);
  if (existing) {
    return {
      type: "advance",
      step: "launch",
      message: `${greenName} already exists (${existing.status}); following it`,
      state: { greenEnvironmentId: existing.environmentId },
    };
  }
  const green = await cloud.beanstalk.createEnvironment({
    applicationName: state.applicationName ?? "",
    environmentName: greenName,
    templateName: state.templateName ?? "",
    versionLabel,
    cnamePrefix: greenName,
  });
  return {
    type: "advance",
    step: "launch",
    message: `creating ${greenName} (${green.environmentId}) with ${versionLabel} on ${green.cname}`,
    state: { greenEnvironmentId: green.environmentId },
  };
}

/** `launch`: waits for the green environment to be Ready, then judges it by Beanstalk's colour. */
export async function launchStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { cloud, greenName } = context;
  if (context.cancelRequested) {
    return discardGreen("cancelled", "cancelled", `cancelled while ${greenName} launched`);
  }
  const green = await cloud.beanstalk.findEnvironmentByName(greenName);
  if (!green) return { type: "failed", code: "green_gone", message: `${greenName} disappeared while it launched` };
  const seen = { status: green.status, health: green.health, cname: green.cname };
  if (green.status !== "Ready") {
    return {
      type: "wait",
      recheckAfterMs: BLUE_GREEN_RECHECK_MS,
      message: `${greenName} ${green.status} (${green.health ?? "?"})`,
      data: seen,
    };
  }
  if (context.thresholds && context.state.gateBaseline) {
    return {
      type: "advance",
      step: "judge",
      message: `${greenName} is Ready (${green.health ?? "no health yet"}) on ${green.cname}; judging it by the health gate for ${greenJudgeMinutes(context.thresholds)} min`,
      state: { greenReadyAt: context.state.greenReadyAt ?? context.now.toISOString() },
      data: seen,
    };
  }
  if (green.health !== "Green") {
    return discardGreen(
      "failed",
      "green_unhealthy",
      `${greenName} is Ready but ${green.health ?? "without health"}, not Green: the live environment was not touched`,
    );
  }
  return { type: "advance", step: "swap", message: `${greenName} is Ready and Green on ${green.cname}`, data: seen };
}

/** `judge`: see blueGreenGate.ts. */
export const judgeStep = (context: BlueGreenStepContext) => judgeGreenStep(context, discardGreen);

function discardGreen(
  ending: "failed" | "cancelled",
  code: string,
  message: string,
  state: BlueGreenState = {},
  data?: Record<string, unknown>,
): Outcome {
  return {
    type: "advance",
    step: "discard",
    message: `${message}; terminating it`,
    state: { ...state, discard: { ending, code, message: message.slice(0, 1000) } },
    ...(data && { data }),
  };
}

/** Swaps `from`'s CNAME with `to`'s unless `to` already holds the live one. */
async function swapUnlessLive(context: BlueGreenStepContext, fromId: string, toName: string) {
  const to = await context.cloud.beanstalk.findEnvironmentByName(toName);
  if (!to) return null;
  if (to.cname === context.state.liveCname) return { to, swapped: false };
  await context.cloud.beanstalk.swapEnvironmentCnames(fromId, to.environmentId);
  return { to, swapped: true };
}

/** `swap`: the live CNAME moves to the green environment, once. */
export async function swapStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { blueEnvironmentId = "", liveCname } = context.state;
  const done = await swapUnlessLive(context, blueEnvironmentId, context.greenName);
  if (!done) return { type: "failed", code: "green_gone", message: `${context.greenName} disappeared before the swap` };
  return {
    type: "advance",
    step: "drain",
    message: done.swapped
      ? `swapped CNAMEs: ${liveCname} now answers from ${context.greenName}`
      : `${context.greenName} already holds ${liveCname}`,
    state: { swappedAt: context.state.swappedAt ?? context.now.toISOString() },
  };
}

/**
 * `drain`: the old environment stays, ready to swap back, until the drain period ends; with the
 * gate on, the live environment is watched meanwhile and a breach swaps back. A live CNAME that
 * went back to the old environment (a rollback of the environment) ends the drain the same way.
 */
export async function drainStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { blueName, greenName, state, now } = context;
  if (context.cancelRequested) {
    return { type: "advance", step: "swap-back", message: `swap back to ${blueName} asked during the drain` };
  }
  const green = await context.cloud.beanstalk.findEnvironmentByName(greenName);
  if (green && green.cname !== state.liveCname) {
    return {
      type: "advance",
      step: "swap-back",
      message: `${state.liveCname} no longer answers from ${greenName}: swapped back`,
    };
  }
  const watched = await watchLive(context);
  if (watched.breach) return watched.breach;
  const drainMinutes = drainMinutesOf(context.drainMinutes, context.thresholds);
  const endsAt = new Date(state.swappedAt ?? now.toISOString()).getTime() + drainMinutes * 60_000;
  const left = endsAt - now.getTime();
  if (left > 0) {
    return {
      type: "wait",
      recheckAfterMs: Math.min(left, 60_000),
      message: `draining ${blueName} for ${Math.ceil(left / 60_000)} more minute(s)${watched.reading ? `; live ${greenName}: ${watched.reading}` : ""}; cancel the operation to swap back`,
      state: watched.state,
    };
  }
  if (context.keepOldEnvironment) {
    return {
      type: "succeeded",
      message: `${greenName} serves ${state.liveCname}; ${blueName} kept as asked`,
      result: resultOf(context, "kept"),
    };
  }
  return { type: "advance", step: "retire", message: `drain over: terminating ${blueName}` };
}

/** Terminates the environment of that name unless it is already going; null once it is gone. */
async function terminateOnce(cloud: CloudPort, name: string): Promise<string | null> {
  const environment = await cloud.beanstalk.findEnvironmentByName(name);
  if (!environment) return null;
  if (environment.status === "Terminating") return `${name} Terminating`;
  await cloud.beanstalk.terminateEnvironment(environment.environmentId);
  return `asked Beanstalk to terminate ${name}`;
}

/** `retire`: the old (blue) environment is terminated after the drain. */
export async function retireStep(context: BlueGreenStepContext): Promise<Outcome> {
  const progress = await terminateOnce(context.cloud, context.blueName);
  if (progress) return { type: "wait", recheckAfterMs: BLUE_GREEN_RECHECK_MS, message: progress };
  return {
    type: "succeeded",
    message: `${context.greenName} serves ${context.state.liveCname} with ${context.versionLabel}; ${context.blueName} terminated`,
    result: resultOf(context, "terminated"),
  };
}

/** `swap-back`: the live CNAME returns to the blue environment, once; then the green one goes. */
export async function swapBackStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { greenEnvironmentId = "", liveCname, breach } = context.state;
  let done: Awaited<ReturnType<typeof swapUnlessLive>>;
  try {
    done = await swapUnlessLive(context, greenEnvironmentId, context.blueName);
  } catch (error) {
    // Retryable trouble is retried by the reconciler; a refusal after a breach leaves the bad version live.
    if (!breach || !isCloudError(error) || error.retryable) throw error;
    return criticalRollbackFailure(
      breach,
      `Beanstalk refused the swap back: ${error.message}`,
      resultOf(context, "live"),
    );
  }
  if (!done) {
    const why = `${context.blueName} is gone: cannot swap back`;
    if (breach) return criticalRollbackFailure(breach, why, resultOf(context, "live"));
    return { type: "failed", code: "environment_gone", message: why };
  }
  const message = done.swapped
    ? `swapped back: ${liveCname} answers from ${context.blueName} again`
    : `${context.blueName} already holds ${liveCname}`;
  if (breach) return discardGreen("failed", "rolled_back", `${breach.message}; ${message}`);
  return discardGreen("cancelled", "swapped_back", message);
}

/** `discard`: terminates the green environment, then ends as the reason for it says. */
export async function discardStep(context: BlueGreenStepContext): Promise<Outcome> {
  // Two swaps at once (a watch and a rollback) would give green the live name back: never terminate the live environment.
  const green = await context.cloud.beanstalk.findEnvironmentByName(context.greenName);
  if (green && green.status !== "Terminating" && green.cname === context.state.liveCname) {
    return {
      type: "advance",
      step: "swap-back",
      message: `${context.greenName} holds ${green.cname}: swapping back before terminating it`,
    };
  }
  const progress = await terminateOnce(context.cloud, context.greenName);
  if (progress) return { type: "wait", recheckAfterMs: BLUE_GREEN_RECHECK_MS, message: progress };
  const discard = context.state.discard ?? { ending: "failed", code: "discarded", message: "green discarded" };
  const message = `${discard.message}; ${context.greenName} terminated`;
  return discard.ending === "cancelled"
    ? { type: "cancelled", message }
    : { type: "failed", code: discard.code, message, result: resultOf(context, "live") };
}

function resultOf(context: BlueGreenStepContext, blue: "kept" | "terminated" | "live") {
  return {
    ...(context.state.breach && { breach: context.state.breach }),
    ...(context.state.gateBaseline && { baseline: context.state.gateBaseline }),
    liveCname: context.state.liveCname ?? null,
    versionLabel: context.versionLabel,
    blueEnvironment: context.blueName,
    greenEnvironment: context.greenName,
    greenEnvironmentId: context.state.greenEnvironmentId ?? null,
    oldEnvironment: blue,
  };
}
