import {
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  type InstanceRefresh,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  type _InstanceType,
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  type LaunchTemplateVersion as Ec2LaunchTemplateVersion,
  paginateDescribeLaunchTemplateVersions,
} from "@aws-sdk/client-ec2";
import {
  CloudError,
  type GroupLaunchTemplate,
  type InstanceRefreshRequest,
  type InstanceRefreshState,
  type LaunchTemplateVersion,
  type LaunchTemplateVersionRequest,
} from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

type RefreshClients = Pick<AwsClients, "autoScaling" | "ec2">;

const versionOf = (version: Ec2LaunchTemplateVersion): LaunchTemplateVersion => ({
  versionNumber: version.VersionNumber ?? 0,
  instanceType: version.LaunchTemplateData?.InstanceType ?? null,
  versionDescription: version.VersionDescription ?? null,
});

/** The group's launch template resolved to a version number; null for a launch configuration or mixed instances. */
export async function describeLaunchTemplate(
  clients: RefreshClients,
  groupName: string,
): Promise<GroupLaunchTemplate | null> {
  const answer = await awsCall("autoscaling", "DescribeAutoScalingGroups", () =>
    clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
  );
  const group = answer.AutoScalingGroups?.[0];
  if (!group)
    throw new CloudError("not_found", `Auto Scaling group not found: ${groupName}`, { service: "autoscaling" });
  const spec = group.LaunchTemplate;
  if (!spec || group.MixedInstancesPolicy) return null;
  const version = spec.Version ?? "$Default";
  const versions = await awsCall("ec2", "DescribeLaunchTemplateVersions", () =>
    clients.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        ...(spec.LaunchTemplateId
          ? { LaunchTemplateId: spec.LaunchTemplateId }
          : { LaunchTemplateName: spec.LaunchTemplateName }),
        Versions: [version],
      }),
    ),
  );
  const resolved = versions.LaunchTemplateVersions?.[0];
  if (!resolved?.LaunchTemplateId || resolved.VersionNumber === undefined) return null;
  return {
    launchTemplateId: resolved.LaunchTemplateId,
    launchTemplateName: resolved.LaunchTemplateName ?? spec.LaunchTemplateName ?? resolved.LaunchTemplateId,
    version,
    versionNumber: resolved.VersionNumber,
    instanceType: resolved.LaunchTemplateData?.InstanceType ?? null,
  };
}

export async function listLaunchTemplateVersions(
  clients: RefreshClients,
  launchTemplateId: string,
): Promise<LaunchTemplateVersion[]> {
  const found = await awsCall("ec2", "DescribeLaunchTemplateVersions", async () => {
    const versions: Ec2LaunchTemplateVersion[] = [];
    const pages = paginateDescribeLaunchTemplateVersions(
      { client: clients.ec2 },
      { LaunchTemplateId: launchTemplateId },
    );
    for await (const page of pages) versions.push(...(page.LaunchTemplateVersions ?? []));
    return versions;
  });
  return found.map(versionOf).sort((a, b) => b.versionNumber - a.versionNumber);
}

/** A copy of `sourceVersion` launching `instanceType`; nothing else of the template changes. */
export async function createLaunchTemplateVersion(
  clients: RefreshClients,
  request: LaunchTemplateVersionRequest,
): Promise<LaunchTemplateVersion> {
  const answer = await awsCall("ec2", "CreateLaunchTemplateVersion", () =>
    clients.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: request.launchTemplateId,
        SourceVersion: String(request.sourceVersion),
        VersionDescription: request.versionDescription,
        // The catalog's types are EC2's; the SDK's union lags new ones, so the string is passed as is.
        LaunchTemplateData: { InstanceType: request.instanceType as _InstanceType },
      }),
    ),
  );
  if (!answer.LaunchTemplateVersion) {
    throw new CloudError("unavailable", "CreateLaunchTemplateVersion answered without the version", { service: "ec2" });
  }
  return versionOf(answer.LaunchTemplateVersion);
}

/**
 * A rolling refresh to a concrete launch template version. The desired configuration is what
 * makes auto rollback possible (AWS returns the group to its previous configuration), and it
 * moves the group to the version only when the refresh succeeds. SkipMatching leaves instances
 * already on the version alone.
 */
export async function startInstanceRefresh(
  clients: RefreshClients,
  groupName: string,
  request: InstanceRefreshRequest,
): Promise<{ refreshId: string }> {
  const answer = await awsCall("autoscaling", "StartInstanceRefresh", () =>
    clients.autoScaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: groupName,
        Strategy: "Rolling",
        DesiredConfiguration: {
          LaunchTemplate: { LaunchTemplateId: request.launchTemplateId, Version: String(request.version) },
        },
        Preferences: {
          MinHealthyPercentage: request.minHealthyPercentage,
          MaxHealthyPercentage: request.maxHealthyPercentage,
          AutoRollback: request.autoRollback,
          SkipMatching: true,
        },
      }),
    ),
  );
  if (!answer.InstanceRefreshId) {
    throw new CloudError("unavailable", "StartInstanceRefresh answered without a refresh id", {
      service: "autoscaling",
    });
  }
  return { refreshId: answer.InstanceRefreshId };
}

function refreshStateOf(refresh: InstanceRefresh): InstanceRefreshState {
  const version = refresh.DesiredConfiguration?.LaunchTemplate?.Version;
  return {
    refreshId: refresh.InstanceRefreshId ?? "",
    status: refresh.Status ?? "Pending",
    statusReason: refresh.StatusReason ?? null,
    percentageComplete: refresh.PercentageComplete ?? null,
    instancesToUpdate: refresh.InstancesToUpdate ?? null,
    desiredVersion: version && /^\d+$/.test(version) ? Number(version) : null,
    startedAt: refresh.StartTime ?? null,
    endedAt: refresh.EndTime ?? null,
  };
}

/** Newest first, as Auto Scaling lists them (the first page holds the latest, which is all a refresh is followed by). */
export async function describeInstanceRefreshes(
  clients: RefreshClients,
  groupName: string,
): Promise<InstanceRefreshState[]> {
  const answer = await awsCall("autoscaling", "DescribeInstanceRefreshes", () =>
    clients.autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName })),
  );
  return (answer.InstanceRefreshes ?? []).map(refreshStateOf);
}
