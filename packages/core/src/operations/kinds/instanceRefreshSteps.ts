import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { AutoScalingGroupState } from "../../cloud/cloudTypes.ts";
import { type InstanceRefreshState, REFRESH_ACTIVE_STATUSES } from "../../cloud/instanceTypeTypes.ts";
import type { StepOutcome } from "../operationTypes.ts";
import { instancesToReplace } from "./instanceTypeFacts.ts";

/** Launch before terminate: every instance stays in service while replacements come up. */
export const MIN_HEALTHY_PERCENTAGE = 100;
export const DEFAULT_MAX_HEALTHY_PERCENTAGE = 200;

/** A refresh replaces instances over minutes; half a minute between looks shows each batch. */
export const REFRESH_RECHECK_MS = 30_000;

export const RefreshStateFields = Type.Object({
  launchTemplateId: Type.Optional(Type.String({ maxLength: 100 })),
  /** The version the group launched before, which a rollback returns to. */
  previousVersion: Type.Optional(Type.Integer({ minimum: 1 })),
  newVersion: Type.Optional(Type.Integer({ minimum: 1 })),
  refreshId: Type.Optional(Type.String({ maxLength: 100 })),
});
export type RefreshState = Static<typeof RefreshStateFields>;

/** The description that marks a version as this operation's, found again after a crash. */
export const versionDescriptionOf = (operationId: string, instanceType: string) =>
  `fastier-control-plane operation ${operationId}: ${instanceType}`;

export const isActiveRefresh = (refresh: InstanceRefreshState) => REFRESH_ACTIVE_STATUSES.includes(refresh.status);

interface RefreshStepContext {
  operationId: string;
  instanceType: string;
  maxHealthyPercentage: number;
  state: RefreshState;
  group: AutoScalingGroupState;
  cloud: CloudPort;
}

/** `act` for a plain group: a new launch template version with the type (or the one a crashed attempt made). */
export async function createVersionStep(context: RefreshStepContext): Promise<StepOutcome<RefreshState>> {
  const { cloud, group, instanceType, operationId } = context;
  const template = await cloud.autoScaling.describeLaunchTemplate(group.name);
  if (!template) {
    return {
      type: "failed",
      code: "no_launch_template",
      message: `${group.name} launches from a launch configuration or a mixed-instances policy, not one launch template; change its type by hand`,
    };
  }
  const description = versionDescriptionOf(operationId, instanceType);
  const versions = await cloud.autoScaling.listLaunchTemplateVersions(template.launchTemplateId);
  const mine = versions.find((v) => v.versionDescription === description);
  const version =
    mine ??
    (await cloud.autoScaling.createLaunchTemplateVersion({
      launchTemplateId: template.launchTemplateId,
      sourceVersion: template.versionNumber,
      instanceType,
      versionDescription: description,
    }));
  return {
    type: "advance",
    step: "refresh",
    message: mine
      ? `launch template ${template.launchTemplateName} version ${version.versionNumber} with ${instanceType} already exists`
      : `created launch template ${template.launchTemplateName} version ${version.versionNumber} (from ${template.versionNumber}) with ${instanceType}`,
    state: {
      launchTemplateId: template.launchTemplateId,
      previousVersion: template.versionNumber,
      newVersion: version.versionNumber,
    },
  };
}

/** Starts the refresh towards the new version, unless this operation's refresh already exists. */
export async function startRefreshStep(context: RefreshStepContext): Promise<StepOutcome<RefreshState>> {
  const { cloud, group, state } = context;
  const { launchTemplateId, newVersion } = state;
  if (launchTemplateId === undefined || newVersion === undefined) {
    return {
      type: "failed",
      code: "corrupt_state",
      message: "no launch template version was recorded before the refresh",
    };
  }
  const refreshes = await cloud.autoScaling.describeInstanceRefreshes(group.name);
  const mine = refreshes.find((r) => r.desiredVersion === newVersion);
  if (mine) {
    return {
      type: "advance",
      step: "wait",
      message: `instance refresh ${mine.refreshId} to version ${newVersion} already started (${mine.status})`,
      state: { refreshId: mine.refreshId },
    };
  }
  const other = refreshes.find(isActiveRefresh);
  if (other) {
    return {
      type: "failed",
      code: "instance_refresh_in_progress",
      message: `${group.name} has instance refresh ${other.refreshId} ${other.status}, started by someone else; nothing was started`,
    };
  }
  const { refreshId } = await cloud.autoScaling.startInstanceRefresh(group.name, {
    launchTemplateId,
    version: newVersion,
    minHealthyPercentage: MIN_HEALTHY_PERCENTAGE,
    maxHealthyPercentage: context.maxHealthyPercentage,
    autoRollback: true,
  });
  return {
    type: "advance",
    step: "wait",
    message: `started instance refresh ${refreshId}: ${instancesToReplace(group, context.instanceType)} instance(s) to version ${newVersion}, launch before terminate, auto rollback`,
    state: { refreshId },
  };
}

const FAILURE_CODES: Record<string, string> = {
  RollbackSuccessful: "instance_refresh_rolled_back",
  RollbackFailed: "instance_refresh_rollback_failed",
  Failed: "instance_refresh_failed",
  Cancelled: "instance_refresh_cancelled",
};

/** Follows the refresh to its end. */
export async function waitRefreshStep(context: RefreshStepContext): Promise<StepOutcome<RefreshState>> {
  const { cloud, group, state, instanceType } = context;
  const refresh = (await cloud.autoScaling.describeInstanceRefreshes(group.name)).find(
    (r) => r.refreshId === state.refreshId,
  );
  if (!refresh) {
    return { type: "failed", code: "instance_refresh_missing", message: `instance refresh ${state.refreshId} is gone` };
  }
  const seen = {
    refreshId: refresh.refreshId,
    status: refresh.status,
    percentageComplete: refresh.percentageComplete,
    instancesToUpdate: refresh.instancesToUpdate,
  };
  if (refresh.status === "Successful") {
    return { type: "advance", step: "verify", message: `instance refresh ${refresh.refreshId} succeeded`, data: seen };
  }
  const code = FAILURE_CODES[refresh.status];
  if (code) {
    const back =
      refresh.status === "RollbackSuccessful"
        ? `; rolled back to launch template version ${state.previousVersion}, the group runs its previous type again`
        : "";
    return {
      type: "failed",
      code,
      message: `instance refresh ${refresh.refreshId} of ${group.name} to ${instanceType} ended ${refresh.status}${refresh.statusReason ? `: ${refresh.statusReason}` : ""}${back}`,
      result: seen,
    };
  }
  return {
    type: "wait",
    recheckAfterMs: REFRESH_RECHECK_MS,
    message: `instance refresh ${refresh.refreshId} ${refresh.status}, ${refresh.percentageComplete ?? 0}% done, ${instancesToReplace(group, instanceType)} instance(s) still on another type`,
    data: seen,
  };
}
