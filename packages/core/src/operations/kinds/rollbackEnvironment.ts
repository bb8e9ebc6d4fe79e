import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import type { OperationPlan, StepOutcome } from "../operationTypes.ts";
import {
  followVersionRollback,
  previousVersionOf,
  startVersionRollback,
  swapBackChoice,
  swapBackOnce,
} from "./beanstalkRollback.ts";

const RollbackEnvironmentBody = Type.Object({}, { additionalProperties: false });

const Name = Type.String({ maxLength: 100 });
const RollbackEnvironmentState = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal("swap_back"), Type.Literal("previous_version")])),
  // A swap back: the environment live now, the one that will be, and the live host name.
  liveId: Type.Optional(Name),
  liveName: Type.Optional(Name),
  backName: Type.Optional(Name),
  liveCname: Type.Optional(Type.String({ maxLength: 255 })),
  // A previous version: the environment, the version it ran and the one it goes back to.
  environmentName: Type.Optional(Name),
  fromVersion: Type.Optional(Type.Union([Name, Type.Null()])),
  toVersion: Type.Optional(Name),
});
type State = Static<typeof RollbackEnvironmentState>;

/** How long a version deploy takes to look at again. */
const RECHECK_MS = 30_000;

/** What a rollback of this environment would do now: swap back, or deploy the previous version; refuses what it cannot. */
async function decide(cloud: CloudPort, environmentName: string): Promise<{ state: State; plan: OperationPlan }> {
  const environment = await cloud.beanstalk.findEnvironmentByName(environmentName);
  if (!environment) throw new NotFoundError("beanstalk_environment", environmentName);
  const swap = await swapBackChoice(cloud, environmentName);
  if (swap) {
    return {
      state: {
        mode: "swap_back",
        liveId: swap.live.environmentId,
        liveName: swap.live.environmentName,
        backName: swap.back.environmentName,
        liveCname: swap.liveCname,
      },
      plan: {
        summary: `swap back: ${swap.liveCname} answers from ${swap.back.environmentName} (${swap.back.versionLabel ?? "unknown version"}) again instead of ${swap.live.environmentName} (${swap.live.versionLabel ?? "unknown version"})`,
        changes: [{ field: "liveEnvironment", from: swap.live.environmentName, to: swap.back.environmentName }],
        checks: [
          {
            name: "swap back",
            passed: true,
            detail: `${swap.back.environmentName} is still Ready after a blue/green swap: SwapEnvironmentCNAMEs moves the users back at once; a blue/green deploy draining then terminates ${swap.live.environmentName}`,
          },
        ],
      },
    };
  }
  if (environment.status !== "Ready") {
    throw new ConflictError(
      "environment_not_ready",
      `${environmentName} is ${environment.status}: a version can be deployed once it is Ready`,
      { status: environment.status },
    );
  }
  const previous = await previousVersionOf(cloud, environment);
  if (!previous) {
    throw new ConflictError(
      "no_previous_version",
      `${environmentName}'s history shows no application version before ${environment.versionLabel ?? "the current one"} to roll back to`,
    );
  }
  return {
    state: {
      mode: "previous_version",
      environmentName,
      fromVersion: environment.versionLabel,
      toVersion: previous,
    },
    plan: {
      summary: `deploy ${environmentName}'s previous application version ${previous} again (it runs ${environment.versionLabel ?? "an unknown version"}) and follow the update to Ready`,
      changes: [{ field: "versionLabel", from: environment.versionLabel, to: previous }],
      checks: [
        {
          name: "environment",
          passed: true,
          detail: `${environmentName} is Ready (${environment.health ?? "health unknown"})`,
        },
        {
          name: "last known-good version",
          passed: true,
          detail: `${previous}: the newest version in ${environmentName}'s history before ${environment.versionLabel ?? "the current one"}`,
        },
      ],
    },
  };
}

/**
 * Rolls a Beanstalk environment back in one call: during a blue/green drain (or while the old
 * environment is kept) the live host name swaps back to it; otherwise the environment's previous
 * application version is deployed again (UpdateEnvironment with VersionLabel) and followed to
 * Ready. What it will do is decided once, saved, then done only if the cloud does not show it done.
 */
export const rollbackEnvironment = defineOperation({
  kind: "rollback_environment",
  targetKinds: ["beanstalk_environment"],
  minRole: "operator",
  path: "rollback",
  summary: "Roll an environment back: swap back during a blue/green drain, or deploy the previous application version",
  description:
    "Without a body. While another environment of its blue/green family is still Ready (a drain, or one kept), swaps the " +
    "CNAMEs back to it (the plan names the environment that becomes live again); otherwise deploys the previous application " +
    "version of the environment's history with UpdateEnvironment and follows it to Ready (the plan names the version).",
  body: RollbackEnvironmentBody,
  state: RollbackEnvironmentState,
  // A version deploy replaces every instance's application in batches.
  defaultTimeoutMinutes: 60,
  firstStep: "choose",

  async plan({ target, cloud }) {
    return (await decide(cloud, target.name)).plan;
  },

  async step({ operation, target, cloud }): Promise<StepOutcome<State>> {
    const state = operation.state;
    switch (operation.step) {
      case "choose": {
        if (state.mode) return { type: "advance", step: "act", message: "already chosen" };
        const decided = await decide(cloud, target.name);
        return { type: "advance", step: "act", message: decided.plan.summary, state: decided.state };
      }
      case "act":
        return state.mode === "swap_back" ? swapBack(cloud, state) : deployPrevious(cloud, state, "act");
      case "verify":
        return state.mode === "swap_back" ? verifySwapBack(cloud, state) : deployPrevious(cloud, state, "verify");
      default:
        return { type: "failed", code: "unknown_step", message: `rollback_environment has no step ${operation.step}` };
    }
  },

  cancellableIn: (step) => step === "choose",
});

async function swapBack(cloud: CloudPort, state: State): Promise<StepOutcome<State>> {
  const { liveId = "", liveCname = "", backName = "", liveName } = state;
  const done = await swapBackOnce(cloud, { liveId, liveCname, backName });
  if (done.gone)
    return { type: "failed", code: "environment_gone", message: `${backName} is gone: nothing to swap back to` };
  return {
    type: "advance",
    step: "verify",
    message: done.swapped
      ? `swapped CNAMEs: ${liveCname} answers from ${backName} again instead of ${liveName}`
      : `${backName} already holds ${liveCname}`,
  };
}

async function verifySwapBack(cloud: CloudPort, state: State): Promise<StepOutcome<State>> {
  const back = await cloud.beanstalk.findEnvironmentByName(state.backName ?? "");
  if (!back || back.cname !== state.liveCname) {
    // Another swap came between (a blue/green deploy swapping back itself): swap again, by the same look-first step.
    return {
      type: "advance",
      step: "act",
      message: `${state.backName} does not hold ${state.liveCname}: swapping again`,
    };
  }
  return {
    type: "succeeded",
    message: `swapped back: ${state.liveCname} answers from ${state.backName} (${back.versionLabel ?? "unknown version"}) again; a blue/green deploy draining terminates ${state.liveName}`,
    result: {
      mode: "swap_back",
      liveCname: state.liveCname,
      liveEnvironment: state.backName,
      previousLive: state.liveName,
      versionLabel: back.versionLabel,
    },
  };
}

async function deployPrevious(cloud: CloudPort, state: State, step: "act" | "verify"): Promise<StepOutcome<State>> {
  const { environmentName = "", toVersion = "" } = state;
  const progress =
    step === "act"
      ? await startVersionRollback(cloud, environmentName, toVersion)
      : await followVersionRollback(cloud, environmentName, toVersion);
  switch (progress.state) {
    case "failed":
      return { type: "failed", code: "version_rollback_failed", message: progress.why };
    case "started":
      return {
        type: "advance",
        step: "verify",
        message: `UpdateEnvironment ${environmentName} to ${toVersion} (from ${state.fromVersion ?? "unknown"})`,
      };
    case "updating":
      return {
        type: "wait",
        recheckAfterMs: RECHECK_MS,
        message: `${environmentName} ${progress.environment.status} (${progress.environment.health ?? "?"})`,
      };
    case "done":
      if (step === "act")
        return { type: "advance", step: "verify", message: `${environmentName} already runs ${toVersion}` };
      return {
        type: "succeeded",
        message: `${environmentName} runs ${toVersion} again (was ${state.fromVersion ?? "unknown"}), Ready and ${progress.environment.health ?? "no health"}`,
        result: {
          mode: "previous_version",
          environment: environmentName,
          fromVersion: state.fromVersion ?? null,
          versionLabel: toVersion,
          health: progress.environment.health,
        },
      };
  }
}
