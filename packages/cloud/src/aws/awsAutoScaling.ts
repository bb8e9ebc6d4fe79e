import {
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type Instance,
  paginateDescribeAutoScalingGroups,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  type AutoScalingGroupState,
  type AutoScalingPort,
  type CapacityLimits,
  CloudError,
  type GroupInstance,
  type InstanceLifecycle,
} from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";
import { BEANSTALK_ENVIRONMENT_ID_TAG, tagsOf } from "./awsTags.ts";
import { definedFields } from "./definedFields.ts";
import { configuredInstanceTypes } from "./groupInstanceTypes.ts";
import {
  createLaunchTemplateVersion,
  describeInstanceRefreshes,
  describeLaunchTemplate,
  listLaunchTemplateVersions,
  startInstanceRefresh,
} from "./instanceRefreshes.ts";
import { describeMemoryTargetTracking, putMemoryTargetTracking } from "./memoryScalingPolicies.ts";

export interface GroupWithInstanceType {
  group: AutoScalingGroup;
  instanceType: string | null;
}

type ScalingClients = Pick<AwsClients, "autoScaling" | "ec2">;

/** Every group (or the named ones, all of which must exist) with the instance type it launches. */
export async function listAutoScalingGroups(
  clients: ScalingClients,
  names?: string[],
): Promise<GroupWithInstanceType[]> {
  if (names?.length === 0) return [];
  const groups = await awsCall("autoscaling", "DescribeAutoScalingGroups", async () => {
    const found: AutoScalingGroup[] = [];
    const pages = paginateDescribeAutoScalingGroups(
      { client: clients.autoScaling },
      names ? { AutoScalingGroupNames: names } : {},
    );
    for await (const page of pages) found.push(...(page.AutoScalingGroups ?? []));
    return found;
  });
  if (names) assertAllFound(names, groups);
  const types = await configuredInstanceTypes(clients, groups);
  return groups.map((group) => ({ group, instanceType: types.get(group.AutoScalingGroupName ?? "") ?? null }));
}

function assertAllFound(names: string[], groups: AutoScalingGroup[]): void {
  const found = new Set(groups.map((g) => g.AutoScalingGroupName));
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new CloudError("not_found", `Auto Scaling group(s) not found: ${missing.join(", ")}`, {
      service: "autoscaling",
    });
  }
}

/** Auto Scaling's many lifecycle states (Pending:Wait, Warmed:Running, ...) folded into the port's few. */
function lifecycleOf(state: string | undefined, health: string | undefined): InstanceLifecycle {
  const phase = state?.split(":")[0] ?? "";
  if (phase === "Pending") return "Pending";
  if (phase === "InService") return health === "Unhealthy" ? "Unhealthy" : "InService";
  if (phase === "Terminating" || phase === "Detaching") return "Terminating";
  if (phase === "Terminated" || phase === "Detached") return "Terminated";
  if (phase === "Quarantined") return "Unhealthy";
  return "Standby";
}

function groupInstanceOf(instance: Instance): GroupInstance {
  return {
    instanceId: instance.InstanceId ?? "",
    availabilityZone: instance.AvailabilityZone ?? "",
    lifecycleState: lifecycleOf(instance.LifecycleState, instance.HealthStatus),
    healthStatus: instance.HealthStatus === "Unhealthy" ? "Unhealthy" : "Healthy",
    instanceType: instance.InstanceType ?? null,
  };
}

export function launchTemplateNameOf(group: AutoScalingGroup): string | null {
  const spec = group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification ?? group.LaunchTemplate;
  return spec?.LaunchTemplateName ?? spec?.LaunchTemplateId ?? null;
}

function groupStateOf({ group, instanceType }: GroupWithInstanceType): AutoScalingGroupState {
  return {
    name: group.AutoScalingGroupName ?? "",
    arn: group.AutoScalingGroupARN ?? null,
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desiredCapacity: group.DesiredCapacity ?? 0,
    availabilityZones: group.AvailabilityZones ?? [],
    instanceType,
    launchTemplate: launchTemplateNameOf(group),
    beanstalkEnvironmentId: tagsOf(group.Tags)[BEANSTALK_ENVIRONMENT_ID_TAG] ?? null,
    instances: (group.Instances ?? []).map(groupInstanceOf),
    tags: tagsOf(group.Tags),
    createdAt: group.CreatedTime ?? null,
  };
}

/** The group's current limits, read without the instance-type lookups a full describe does. */
async function currentLimits(clients: ScalingClients, groupName: string): Promise<Required<CapacityLimits>> {
  const answer = await awsCall("autoscaling", "DescribeAutoScalingGroups", () =>
    clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
  );
  const group = answer.AutoScalingGroups?.[0];
  if (!group)
    throw new CloudError("not_found", `Auto Scaling group not found: ${groupName}`, { service: "autoscaling" });
  return { minSize: group.MinSize ?? 0, maxSize: group.MaxSize ?? 0, desiredCapacity: group.DesiredCapacity ?? 0 };
}

function invalidCapacity(message: string): CloudError {
  return new CloudError("invalid_request", message, { service: "autoscaling" });
}

function assertCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw invalidCapacity(`${name} must be a whole number of instances, not ${value}`);
  }
}

export function createAwsAutoScaling(clients: ScalingClients): AutoScalingPort {
  return {
    async describeGroups(names) {
      return (await listAutoScalingGroups(clients, names)).map(groupStateOf);
    },

    // AWS refuses a capacity outside the limits itself; checking first gives the same answer
    // from emulators that do not, and a message that names the limits.
    async setDesiredCapacity(groupName, desiredCapacity) {
      assertCount("desiredCapacity", desiredCapacity);
      const { minSize, maxSize } = await currentLimits(clients, groupName);
      if (desiredCapacity < minSize || desiredCapacity > maxSize) {
        throw invalidCapacity(
          `desired capacity ${desiredCapacity} is outside the limits of ${groupName} (min ${minSize}, max ${maxSize})`,
        );
      }
      await awsCall("autoscaling", "SetDesiredCapacity", () =>
        clients.autoScaling.send(
          // Operators ask for capacity now; a cooldown left by an earlier scaling activity must not veto it.
          new SetDesiredCapacityCommand({
            AutoScalingGroupName: groupName,
            DesiredCapacity: desiredCapacity,
            HonorCooldown: false,
          }),
        ),
      );
    },

    async updateLimits(groupName, limits) {
      const { minSize, maxSize, desiredCapacity } = limits;
      if (minSize === undefined && maxSize === undefined && desiredCapacity === undefined) {
        throw invalidCapacity("give at least one of minSize, maxSize and desiredCapacity");
      }
      assertCount("minSize", minSize);
      assertCount("maxSize", maxSize);
      assertCount("desiredCapacity", desiredCapacity);
      const current = await currentLimits(clients, groupName);
      const min = minSize ?? current.minSize;
      const max = maxSize ?? current.maxSize;
      if (min > max) throw invalidCapacity(`minSize ${min} is above maxSize ${max} for ${groupName}`);
      // Without an explicit desired capacity AWS moves it into the new range by itself.
      if (desiredCapacity !== undefined && (desiredCapacity < min || desiredCapacity > max)) {
        throw invalidCapacity(`desired capacity ${desiredCapacity} is outside min ${min} and max ${max}`);
      }
      await awsCall("autoscaling", "UpdateAutoScalingGroup", () =>
        clients.autoScaling.send(
          new UpdateAutoScalingGroupCommand({
            AutoScalingGroupName: groupName,
            ...definedFields({ MinSize: minSize, MaxSize: maxSize, DesiredCapacity: desiredCapacity }),
          }),
        ),
      );
    },

    describeMemoryTargetTracking: (groupName) => describeMemoryTargetTracking(clients, groupName),

    async putMemoryTargetTracking(groupName, policy) {
      if (!Number.isFinite(policy.targetPercent) || policy.targetPercent <= 0 || policy.targetPercent > 100) {
        throw new CloudError("invalid_request", `target ${policy.targetPercent}% is not a percentage`, {
          service: "autoscaling",
        });
      }
      await putMemoryTargetTracking(clients, groupName, policy);
    },

    describeLaunchTemplate: (groupName) => describeLaunchTemplate(clients, groupName),
    listLaunchTemplateVersions: (templateId) => listLaunchTemplateVersions(clients, templateId),
    createLaunchTemplateVersion: (request) => createLaunchTemplateVersion(clients, request),
    startInstanceRefresh: (groupName, request) => startInstanceRefresh(clients, groupName, request),
    describeInstanceRefreshes: (groupName) => describeInstanceRefreshes(clients, groupName),
  };
}
