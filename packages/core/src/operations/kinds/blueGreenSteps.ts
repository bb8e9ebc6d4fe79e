import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { StepOutcome } from "../operationTypes.ts";

/** A clone launches in minutes; half a minute between looks shows its progress. */
export const BLUE_GREEN_RECHECK_MS = 30_000;
/** Beanstalk's CNAMEs answer with a 60-second TTL: a drain shorter than a few of those strands clients. */
export const MIN_DRAIN_MINUTES = 5;
export const DEFAULT_DRAIN_MINUTES = 15;

const Id = Type.String({ maxLength: 100 });
export const BlueGreenState = Type.Object({
  blueEnvironmentId: Type.Optional(Id),
  applicationName: Type.Optional(Id),
  /** The live host name, the blue environment's before the swap: whoever holds it serves the users. */
  liveCname: Type.Optional(Type.String({ maxLength: 255 })),
  templateName: Type.Optional(Id),
  greenEnvironmentId: Type.Optional(Id),
  swappedAt: Type.Optional(Type.String({ maxLength: 40 })),
  /** Why the green environment is being terminated, once it is: the operation ends that way. */
  discard: Type.Optional(
    Type.Object({
      ending: Type.Union([Type.Literal("failed"), Type.Literal("cancelled")]),
      code: Type.String({ maxLength: 60 }),
      message: Type.String({ maxLength: 1000 }),
    }),
  ),
});
export type BlueGreenState = Static<typeof BlueGreenState>;

export interface BlueGreenStepContext {
  operationId: string;
  blueName: string;
  greenName: string;
  versionLabel: string;
  drainMinutes: number;
  keepOldEnvironment: boolean;
  cancelRequested: boolean;
  state: BlueGreenState;
  cloud: CloudPort;
  now: Date;
}

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
  const state = {
    blueEnvironmentId: blue.environmentId,
    applicationName: blue.applicationName,
    liveCname: context.state.liveCname ?? blue.cname,
    templateName,
  };
  if (await cloud.beanstalk.configurationTemplateExists(blue.applicationName, templateName)) {
    return { type: "advance", step: "create", message: `configuration template ${templateName} already saved`, state };
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
    message: `saved ${blueName}'s configuration as template ${templateName}`,
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
  if (green.health !== "Green") {
    return discardGreen(
      "failed",
      "green_unhealthy",
      `${greenName} is Ready but ${green.health ?? "without health"}, not Green: the live environment was not touched`,
    );
  }
  return { type: "advance", step: "swap", message: `${greenName} is Ready and Green on ${green.cname}`, data: seen };
}

function discardGreen(ending: "failed" | "cancelled", code: string, message: string): Outcome {
  return {
    type: "advance",
    step: "discard",
    message: `${message}; terminating it`,
    state: { discard: { ending, code, message } },
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

/** `drain`: the old environment stays, ready to swap back, until the drain period ends. */
export async function drainStep(context: BlueGreenStepContext): Promise<Outcome> {
  const { blueName, greenName, drainMinutes, state, now } = context;
  if (context.cancelRequested) {
    return { type: "advance", step: "swap-back", message: `swap back to ${blueName} asked during the drain` };
  }
  const endsAt = new Date(state.swappedAt ?? now.toISOString()).getTime() + drainMinutes * 60_000;
  const left = endsAt - now.getTime();
  if (left > 0) {
    return {
      type: "wait",
      recheckAfterMs: Math.min(left, 60_000),
      message: `draining ${blueName} for ${Math.ceil(left / 60_000)} more minute(s); cancel the operation to swap back`,
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
  const { greenEnvironmentId = "", liveCname } = context.state;
  const done = await swapUnlessLive(context, greenEnvironmentId, context.blueName);
  if (!done)
    return { type: "failed", code: "environment_gone", message: `${context.blueName} is gone: cannot swap back` };
  const message = done.swapped
    ? `swapped back: ${liveCname} answers from ${context.blueName} again`
    : `${context.blueName} already holds ${liveCname}`;
  return discardGreen("cancelled", "swapped_back", message);
}

/** `discard`: terminates the green environment, then ends as the reason for it says. */
export async function discardStep(context: BlueGreenStepContext): Promise<Outcome> {
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
    liveCname: context.state.liveCname ?? null,
    versionLabel: context.versionLabel,
    blueEnvironment: context.blueName,
    greenEnvironment: context.greenName,
    greenEnvironmentId: context.state.greenEnvironmentId ?? null,
    oldEnvironment: blue,
  };
}
