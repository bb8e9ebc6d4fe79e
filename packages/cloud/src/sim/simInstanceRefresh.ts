import {
  type GroupLaunchTemplate,
  type InstanceRefreshRequest,
  type InstanceRefreshState,
  type LaunchTemplateVersion,
  type LaunchTemplateVersionRequest,
  replacementBatchSize,
} from "@fastier/core";
import { findGroup } from "./simAutoScaling.ts";
import { simError } from "./simErrors.ts";
import { newRefreshId } from "./simIds.ts";
import { startReplacement } from "./simInstanceReplacement.ts";
import type { SimInstanceRefresh, SimLaunchTemplateVersion } from "./simReplacementState.ts";
import type { SimAutoScalingGroup, SimChange, SimContext, SimWorld } from "./simState.ts";
import { toDate, toDateOrNull, toIso } from "./simTime.ts";

/** EC2 launch template versions and Auto Scaling instance refreshes of the simulated groups. */

function groupByTemplate(world: SimWorld, launchTemplateId: string): SimAutoScalingGroup {
  const group = world.groups.find((candidate) => candidate.launchTemplateId === launchTemplateId);
  if (!group) {
    throw simError(
      "not_found",
      "ec2",
      "InvalidLaunchTemplateId.NotFound",
      `The specified launch template, with template ID ${launchTemplateId}, does not exist.`,
    );
  }
  return group;
}

const versionOf = (version: SimLaunchTemplateVersion): LaunchTemplateVersion => ({
  versionNumber: version.versionNumber,
  instanceType: version.instanceType,
  versionDescription: version.description,
});

export function describeLaunchTemplate(world: SimWorld, groupName: string): GroupLaunchTemplate {
  const group = findGroup(world, groupName);
  return {
    launchTemplateId: group.launchTemplateId,
    launchTemplateName: group.launchTemplate,
    version: String(group.launchTemplateVersion),
    versionNumber: group.launchTemplateVersion,
    instanceType:
      group.launchTemplateVersions.find((v) => v.versionNumber === group.launchTemplateVersion)?.instanceType ?? null,
  };
}

/** Newest first, like DescribeLaunchTemplateVersions. */
export const listLaunchTemplateVersions = (world: SimWorld, launchTemplateId: string): LaunchTemplateVersion[] =>
  [...groupByTemplate(world, launchTemplateId).launchTemplateVersions]
    .sort((a, b) => b.versionNumber - a.versionNumber)
    .map(versionOf);

/** Like CreateLaunchTemplateVersion with SourceVersion: everything copied, the instance type replaced. */
export function createLaunchTemplateVersion(
  world: SimWorld,
  ctx: SimContext,
  request: LaunchTemplateVersionRequest,
): SimChange<LaunchTemplateVersion> {
  const next = structuredClone(world);
  const group = groupByTemplate(next, request.launchTemplateId);
  if (!group.launchTemplateVersions.some((v) => v.versionNumber === request.sourceVersion)) {
    throw simError(
      "invalid_request",
      "ec2",
      "InvalidLaunchTemplateId.VersionNotFound",
      `Could not find launch template version ${request.sourceVersion} of ${request.launchTemplateId}.`,
    );
  }
  const version: SimLaunchTemplateVersion = {
    versionNumber: Math.max(...group.launchTemplateVersions.map((v) => v.versionNumber)) + 1,
    instanceType: request.instanceType,
    description: request.versionDescription,
    createdAt: toIso(ctx.now),
  };
  group.launchTemplateVersions.push(version);
  return { world: next, result: versionOf(version) };
}

const ACTIVE: SimInstanceRefresh["status"][] = ["Pending", "InProgress", "RollbackInProgress"];

/**
 * Like StartInstanceRefresh with a DesiredConfiguration: refused while another refresh runs (or
 * Beanstalk replaces instances); replaces every instance not on the version's type, launching
 * before terminating within the healthy percentages.
 */
export function startInstanceRefresh(
  world: SimWorld,
  ctx: SimContext,
  groupName: string,
  request: InstanceRefreshRequest,
): SimChange<{ refreshId: string }> {
  const next = structuredClone(world);
  const group = findGroup(next, groupName);
  if (group.replacement || group.instanceRefreshes.some((r) => ACTIVE.includes(r.status))) {
    throw simError(
      "invalid_state",
      "autoscaling",
      "InstanceRefreshInProgress",
      `An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.`,
    );
  }
  const { minHealthyPercentage: min, maxHealthyPercentage: max } = request;
  if (!(min >= 0 && min <= 100 && max >= 100 && max <= 200 && max - min <= 100)) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `MinHealthyPercentage ${min} and MaxHealthyPercentage ${max} must satisfy 0 ≤ min ≤ 100 ≤ max ≤ 200 and max − min ≤ 100.`,
    );
  }
  const version = group.launchTemplateVersions.find((v) => v.versionNumber === request.version);
  if (request.launchTemplateId !== group.launchTemplateId || !version) {
    throw simError(
      "invalid_request",
      "autoscaling",
      "ValidationError",
      `The desired configuration's launch template ${request.launchTemplateId} version ${request.version} is not the group's.`,
    );
  }
  const refreshId = newRefreshId(next);
  const replacement = startReplacement(
    next,
    group,
    ctx,
    {
      owner: { kind: "refresh", refreshId },
      instanceType: version.instanceType,
      previousType: group.instanceType,
      // Launching before terminating: the room above the minimum, up to the maximum.
      batchSize: replacementBatchSize(group.desiredCapacity, min, max),
    },
    () => {},
  );
  group.instanceRefreshes.push({
    refreshId,
    status: "InProgress",
    statusReason: null,
    desiredVersion: request.version,
    previousVersion: group.launchTemplateVersion,
    minHealthyPercentage: min,
    maxHealthyPercentage: max,
    autoRollback: request.autoRollback,
    instancesToUpdate: replacement.total,
    startedAt: toIso(ctx.now),
    endedAt: null,
  });
  return { world: next, result: { refreshId } };
}

/** A refresh's end: the group moves to the desired version, or (auto rollback) stays on the one before. */
export function endRefresh(group: SimAutoScalingGroup, refreshId: string, outcome: "succeeded" | "failed", at: number) {
  const refresh = group.instanceRefreshes.find((r) => r.refreshId === refreshId);
  if (!refresh) return;
  refresh.endedAt = toIso(at);
  refresh.instancesToUpdate = outcome === "succeeded" ? 0 : refresh.instancesToUpdate;
  if (outcome === "succeeded") {
    refresh.status = "Successful";
    group.launchTemplateVersion = refresh.desiredVersion;
    group.instanceType =
      group.launchTemplateVersions.find((v) => v.versionNumber === refresh.desiredVersion)?.instanceType ??
      group.instanceType;
    return;
  }
  // The failed batch is gone either way (none of the old instances was replaced yet).
  refresh.status = refresh.autoRollback ? "RollbackSuccessful" : "Failed";
  refresh.statusReason = refresh.autoRollback
    ? `Instances failed to pass health checks within the grace period; rolled back to launch template version ${refresh.previousVersion}.`
    : "Instances failed to pass health checks within the grace period.";
}

/** Newest first, like DescribeInstanceRefreshes. */
export function describeInstanceRefreshes(world: SimWorld, groupName: string): InstanceRefreshState[] {
  const group = findGroup(world, groupName);
  return [...group.instanceRefreshes].reverse().map((refresh) => {
    const running =
      group.replacement?.owner.kind === "refresh" && group.replacement.owner.refreshId === refresh.refreshId;
    const replacement = running ? group.replacement : null;
    const percentageComplete =
      refresh.status === "Successful"
        ? 100
        : replacement && replacement.total > 0
          ? Math.floor((replacement.replaced / replacement.total) * 100)
          : 0;
    return {
      refreshId: refresh.refreshId,
      status: refresh.status,
      statusReason: refresh.statusReason,
      percentageComplete,
      instancesToUpdate: replacement ? replacement.total - replacement.replaced : refresh.instancesToUpdate,
      desiredVersion: refresh.desiredVersion,
      startedAt: toDate(refresh.startedAt),
      endedAt: toDateOrNull(refresh.endedAt),
    };
  });
}
