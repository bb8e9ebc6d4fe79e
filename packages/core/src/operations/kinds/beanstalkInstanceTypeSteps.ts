import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { AutoScalingGroupState } from "../../cloud/cloudTypes.ts";
import type { StepOutcome } from "../operationTypes.ts";
import { instancesToReplace, liveInstances } from "./instanceTypeFacts.ts";

/** A rolling update takes minutes per batch; half a minute between looks shows each. */
export const ENVIRONMENT_RECHECK_MS = 30_000;

export const BeanstalkStateFields = Type.Object({
  environmentId: Type.Optional(Type.String({ maxLength: 100 })),
  /** When the update was asked for: events from then on are the update's. */
  requestedAt: Type.Optional(Type.String({ maxLength: 40 })),
  /** The last event already reported, so each shows once in the history. */
  eventsSeenUntil: Type.Optional(Type.String({ maxLength: 40 })),
});
export type BeanstalkState = Static<typeof BeanstalkStateFields>;

interface BeanstalkStepContext {
  instanceType: string;
  state: BeanstalkState;
  group: AutoScalingGroupState;
  environmentId: string;
  cloud: CloudPort;
  now: Date;
}

/** `act` on a group Beanstalk owns: UpdateEnvironment, never the group or its template behind Beanstalk's back. */
export async function updateEnvironmentStep(context: BeanstalkStepContext): Promise<StepOutcome<BeanstalkState>> {
  const { cloud, environmentId, instanceType, now } = context;
  const environment = await cloud.beanstalk.describeEnvironment(environmentId);
  if (environment.instanceTypes[0] === instanceType) {
    // Asked already (before a crash, or by someone else): follow it, do not ask twice.
    return {
      type: "advance",
      step: "wait",
      message: `${environment.environmentName} already has InstanceTypes ${environment.instanceTypes.join(",")} (${environment.status})`,
      state: { environmentId, requestedAt: context.state.requestedAt ?? now.toISOString() },
    };
  }
  if (environment.status !== "Ready") {
    return {
      type: "failed",
      code: "environment_update_in_progress",
      message: `${environment.environmentName} is ${environment.status}, not Ready; nothing was asked. Try again once its update ends`,
    };
  }
  // Only the wanted type: a smaller one left in the list could still be launched (Spot fallbacks).
  const types = [instanceType];
  await cloud.beanstalk.updateInstanceTypes(environmentId, types);
  return {
    type: "advance",
    step: "wait",
    message: `asked ${environment.environmentName} for aws:ec2:instances InstanceTypes ${types.join(",")}`,
    state: { environmentId, requestedAt: now.toISOString() },
  };
}

/** Follows the environment (its events, health and status) until it is Ready with every instance on the type. */
export async function waitEnvironmentStep(context: BeanstalkStepContext): Promise<StepOutcome<BeanstalkState>> {
  const { cloud, environmentId, instanceType, group, state } = context;
  const environment = await cloud.beanstalk.describeEnvironment(environmentId);
  // Every event of the update, and those not yet reported in the history.
  const all = await cloud.beanstalk.describeEvents(
    environmentId,
    new Date(state.requestedAt ?? context.now.toISOString()),
  );
  const seenUntil = state.eventsSeenUntil ? new Date(state.eventsSeenUntil).getTime() : null;
  const events = all.filter((e) => seenUntil === null || e.at.getTime() > seenUntil);
  const latest = events.at(-1);
  const eventsSeenUntil = latest ? latest.at.toISOString() : state.eventsSeenUntil;
  const left = instancesToReplace(group, instanceType);
  const seen = {
    status: environment.status,
    health: environment.health,
    instanceTypes: environment.instanceTypes,
    instancesLeft: left,
    events: events.map((e) => `${e.severity}: ${e.message}`),
  };
  if (environment.status === "Ready" && environment.instanceTypes[0] !== instanceType) {
    const errors = all.filter((e) => e.severity === "ERROR").map((e) => e.message);
    return {
      type: "failed",
      code: "environment_update_failed",
      message: `${environment.environmentName} is Ready with InstanceTypes ${environment.instanceTypes.join(",")}, not ${instanceType}: the update failed and Beanstalk rolled it back${errors.length > 0 ? ` (${errors.join("; ")})` : ""}`,
      result: seen,
    };
  }
  // Scaling may change the desired capacity meanwhile: done is Ready with nothing left to replace or launch.
  const settled = liveInstances(group).every((i) => i.lifecycleState === "InService");
  if (environment.status === "Ready" && left === 0 && settled) {
    return {
      type: "advance",
      step: "verify",
      message: `${environment.environmentName} is Ready (${environment.health ?? "health unknown"}), every instance runs ${instanceType}`,
      data: seen,
    };
  }
  return {
    type: "wait",
    recheckAfterMs: ENVIRONMENT_RECHECK_MS,
    message:
      `${environment.environmentName} ${environment.status} (${environment.health ?? "?"}), ${left} instance(s) still on another type` +
      (latest ? `; ${latest.message}` : ""),
    state: eventsSeenUntil ? { eventsSeenUntil } : {},
    data: seen,
  };
}
