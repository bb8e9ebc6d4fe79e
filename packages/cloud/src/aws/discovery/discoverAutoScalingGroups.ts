import { discoveredResource } from "@fastier/core";
import { launchTemplateNameOf, listAutoScalingGroups } from "../awsAutoScaling.ts";
import { BEANSTALK_ENVIRONMENT_ID_TAG, tagsOf } from "../awsTags.ts";
import { groupsTrackingMemory } from "../memoryScalingPolicies.ts";
import type { KindLister } from "./discoveredResource.ts";

export const discoverAutoScalingGroups: KindLister = async (clients, region) => {
  const [groups, trackingMemory] = await Promise.all([listAutoScalingGroups(clients), groupsTrackingMemory(clients)]);
  return groups.map(({ group, instanceType }) => {
    const name = group.AutoScalingGroupName ?? "";
    const tags = tagsOf(group.Tags);
    return discoveredResource({
      kind: "auto_scaling_group",
      cloudId: name,
      name,
      region,
      availabilityZones: group.AvailabilityZones ?? [],
      tags,
      instanceType,
      capacity: {
        minSize: group.MinSize ?? 0,
        maxSize: group.MaxSize ?? 0,
        desiredCapacity: group.DesiredCapacity ?? 0,
      },
      // Beanstalk owns the groups it creates; the tag names the environment.
      parentCloudId: tags[BEANSTALK_ENVIRONMENT_ID_TAG] ?? null,
      // `Status` is only set while the group is being deleted.
      status: group.Status ? "modifying" : "active",
      attributes: {
        arn: group.AutoScalingGroupARN ?? null,
        healthCheckType: group.HealthCheckType ?? null,
        launchTemplate: launchTemplateNameOf(group),
        targetGroupArns: group.TargetGroupARNs ?? [],
        // Whether a target-tracking policy scales it on memory; absent when the policies could not be read.
        ...(trackingMemory && { memoryTargetTracking: trackingMemory.has(name) }),
      },
    });
  });
};
