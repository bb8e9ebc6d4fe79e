import { type Static, Type } from "typebox";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import { planGate } from "../healthGate/gatePlan.ts";
import { HealthGateField, resolveThresholds } from "../healthGate/healthGateSettings.ts";
import type { StepOutcome } from "../operationTypes.ts";
import { drainMinutesOf, greenJudgeMinutes } from "./blueGreenGate.ts";
import { BlueGreenState, DEFAULT_DRAIN_MINUTES, MIN_DRAIN_MINUTES } from "./blueGreenState.ts";
import {
  createGreenStep,
  discardStep,
  drainStep,
  greenNameOf,
  judgeStep,
  launchStep,
  retireStep,
  saveTemplateStep,
  swapBackStep,
  swapStep,
} from "./blueGreenSteps.ts";

const BlueGreenBody = Type.Object(
  {
    versionLabel: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      description: "The application version the green environment runs (it must exist in the application)",
    }),
    drainMinutes: Type.Optional(
      Type.Integer({
        format: "int32",
        minimum: MIN_DRAIN_MINUTES,
        maximum: 240,
        description: `Minutes the old environment stays after the swap, ready to swap back (default ${DEFAULT_DRAIN_MINUTES}; at least a few DNS TTLs)`,
      }),
    ),
    keepOldEnvironment: Type.Optional(
      Type.Boolean({
        description: "Keep the old environment after the drain instead of terminating it (default false)",
      }),
    ),
    healthGate: HealthGateField,
  },
  { additionalProperties: false },
);
export type BlueGreenParams = Static<typeof BlueGreenBody>;

/** Inventory attribute of an environment whose RDS database Beanstalk created: it would go with the environment. */
export const BEANSTALK_DATABASE_ATTRIBUTE = "beanstalkDatabase";

/**
 * Blue/green deploy on Elastic Beanstalk: the live environment's settings saved as a
 * configuration template, a green environment created from it with the new version, judged
 * Ready and Green, the CNAMEs swapped, and the old environment kept for the drain period
 * (cancelling the operation then swaps back) before it is terminated. Every step finds what a
 * repeated run of it made before making anything, so a crash creates no second environment and
 * makes no second swap.
 */
export const blueGreenDeploy = defineOperation({
  kind: "blue_green_deploy",
  targetKinds: ["beanstalk_environment"],
  minRole: "operator",
  path: "blue-green",
  summary: "Blue/green deploy: clone the environment with a new version, swap CNAMEs, drain, terminate the old one",
  description:
    "Records the health gate's baseline from the live environment's load balancer, CreateConfigurationTemplate from it, " +
    "CreateEnvironment from that with VersionLabel (named <env>-a / <env>-b alternately, with a CNAME of its own), waits until " +
    "Ready, judges green by the gate on its own balancer, SwapEnvironmentCNAMEs, watches the live environment through the drain " +
    "(a breach swaps back and ends rolled_back; cancel the operation or POST /rollback on the environment to swap back by hand), " +
    "then TerminateEnvironment of the old one unless keepOldEnvironment. Refused (409) unless the environment is Ready, when it " +
    "carries a database Beanstalk created, when the version is already live, or while the green environment of an earlier " +
    "deploy still exists.",
  body: BlueGreenBody,
  state: BlueGreenState,
  // Launching a clone takes minutes; the drain may take up to four hours.
  defaultTimeoutMinutes: 300,
  firstStep: "save",

  async plan({ target, params, cloud, now }) {
    const blue = await cloud.beanstalk.findEnvironmentByName(target.name);
    if (!blue) throw new NotFoundError("beanstalk_environment", target.name);
    if (blue.status !== "Ready") {
      throw new ConflictError(
        "environment_not_ready",
        `${blue.environmentName} is ${blue.status}: a blue/green deploy clones a Ready environment; try again once it is Ready`,
        { status: blue.status },
      );
    }
    if (target.attributes[BEANSTALK_DATABASE_ATTRIBUTE] === true) {
      throw new ConflictError(
        "environment_has_database",
        `${blue.environmentName} carries an RDS database Beanstalk created: terminating the old environment would delete it. Decouple the database first`,
      );
    }
    if (blue.versionLabel === params.versionLabel) {
      throw new ConflictError("version_already_live", `${blue.environmentName} already runs ${params.versionLabel}`);
    }
    const greenName = greenNameOf(blue.environmentName);
    const leftover = await cloud.beanstalk.findEnvironmentByName(greenName);
    if (leftover) {
      throw new ConflictError(
        "green_environment_exists",
        `${greenName} (${leftover.environmentId}, ${leftover.status}) from an earlier deploy still exists: terminate it or deploy from it`,
        { environmentId: leftover.environmentId, status: leftover.status },
      );
    }
    const thresholds = resolveThresholds(params.healthGate);
    const drainMinutes = drainMinutesOf(params.drainMinutes ?? DEFAULT_DRAIN_MINUTES, thresholds);
    const gate = await planGate(
      cloud,
      {
        find: () => cloud.loadBalancers.findForEnvironment(blue.environmentName),
        noSignal: `the cloud shows no load balancer for ${blue.environmentName}, so the health gate has nothing to compare green with; deploy with "healthGate": false to go without one`,
        watches: (t) =>
          `${greenName}'s balancer for ${greenJudgeMinutes(t)} min once it is Ready (refused, the live environment untouched) ` +
          `and the live environment through the ${drainMinutes} min drain after the swap (swapped back to ${blue.environmentName}),`,
      },
      params.healthGate,
      now,
    );
    return {
      summary: `${blue.environmentName} (${blue.versionLabel ?? "unknown version"}) → ${greenName} with ${params.versionLabel}, then swap ${blue.cname}`,
      changes: [
        { field: "versionLabel", from: blue.versionLabel, to: params.versionLabel },
        { field: "liveEnvironment", from: blue.environmentName, to: greenName },
      ],
      checks: [
        {
          name: "environment",
          passed: true,
          detail: `${blue.environmentName} is Ready (${blue.health ?? "health unknown"})`,
        },
        { name: "green name", passed: true, detail: `${greenName} is free; it gets its own CNAME until the swap` },
        {
          name: "swap back",
          passed: true,
          detail: `${blue.environmentName} stays ${drainMinutes} minute(s) after the swap; cancel the operation then to swap back`,
        },
        {
          name: "old environment",
          passed: true,
          detail: params.keepOldEnvironment ? "kept after the drain" : "terminated after the drain",
        },
        ...gate.checks,
      ],
      healthGate: gate.healthGate,
    };
  },

  async step({ operation, target, cloud, now }): Promise<StepOutcome<BlueGreenState>> {
    const context = {
      operationId: operation.id,
      blueName: target.name,
      greenName: greenNameOf(target.name),
      versionLabel: operation.params.versionLabel,
      drainMinutes: operation.params.drainMinutes ?? DEFAULT_DRAIN_MINUTES,
      thresholds: resolveThresholds(operation.params.healthGate),
      keepOldEnvironment: operation.params.keepOldEnvironment ?? false,
      cancelRequested: operation.cancelRequested,
      state: operation.state,
      cloud,
      now,
    };
    switch (operation.step) {
      case "save":
        return saveTemplateStep(context);
      case "create":
        return createGreenStep(context);
      case "launch":
        return launchStep(context);
      case "judge":
        return judgeStep(context);
      case "swap":
        return swapStep(context);
      case "drain":
        return drainStep(context);
      case "retire":
        return retireStep(context);
      case "swap-back":
        return swapBackStep(context);
      case "discard":
        return discardStep(context);
      default:
        return { type: "failed", code: "unknown_step", message: `blue_green_deploy has no step ${operation.step}` };
    }
  },

  // Saving a template changes nothing that runs; from the green environment on, a cancel undoes
  // instead: launch discards green, and the drain (after a swap) swaps back. Only once the old
  // environment is being terminated is it too late.
  cancellableIn: (step) => step === "save",
  undoesOnCancelIn: (step) => ["create", "launch", "judge", "swap", "drain", "swap-back", "discard"].includes(step),
  leftBehind: (operation) =>
    operation.state.greenEnvironmentId && !operation.state.swappedAt
      ? `green environment ${operation.state.greenEnvironmentId} still runs: terminate it or retry`
      : null,
});
