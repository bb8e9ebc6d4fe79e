import { type AutoScalingInstanceDetails, paginateDescribeAutoScalingInstances } from "@aws-sdk/client-auto-scaling";
import { type Instance, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import type { DiscoveredResource } from "@fastier/core";
import { discoveredResource } from "@fastier/core";
import { awsCall } from "../awsErrors.ts";
import { tagsOf } from "../awsTags.ts";
import type { KindLister } from "./discoveredResource.ts";

/** Terminated instances are gone from the inventory's point of view, so they are not listed. */
const LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"];

/** AWS sets this tag on every instance an Auto Scaling group launches. */
const GROUP_NAME_TAG = "aws:autoscaling:groupName";

function statusOf(
  instance: Instance,
  membership: AutoScalingInstanceDetails | undefined,
): DiscoveredResource["status"] {
  const phase = membership?.LifecycleState?.split(":")[0];
  if (phase === "Pending") return "pending";
  // DescribeAutoScalingInstances spells health HEALTHY/UNHEALTHY, unlike DescribeAutoScalingGroups.
  if (phase === "InService") return membership?.HealthStatus?.toUpperCase() === "UNHEALTHY" ? "degraded" : "active";
  if (phase === "Terminating" || phase === "Detaching") return "modifying";
  // Standby, Warmed and Quarantined members run but serve no traffic.
  if (phase !== undefined && phase !== "Terminated" && phase !== "Detached") return "degraded";
  const state = instance.State?.Name;
  if (state === "pending") return "pending";
  if (state === "running") return "active";
  if (state === "stopped") return "degraded";
  return "modifying";
}

export const discoverInstances: KindLister = async (clients, region) => {
  const instances = await awsCall("ec2", "DescribeInstances", async () => {
    const found: Instance[] = [];
    const input = { Filters: [{ Name: "instance-state-name", Values: LIVE_STATES }] };
    for await (const page of paginateDescribeInstances({ client: clients.ec2 }, input)) {
      for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []));
    }
    return found;
  });
  // Auto Scaling knows each member's lifecycle and health, which EC2 does not.
  const memberships = await awsCall("autoscaling", "DescribeAutoScalingInstances", async () => {
    const found = new Map<string, AutoScalingInstanceDetails>();
    for await (const page of paginateDescribeAutoScalingInstances({ client: clients.autoScaling }, {})) {
      for (const details of page.AutoScalingInstances ?? []) {
        if (details.InstanceId) found.set(details.InstanceId, details);
      }
    }
    return found;
  });
  return instances.map((instance) => {
    const id = instance.InstanceId ?? "";
    const tags = tagsOf(instance.Tags);
    const membership = memberships.get(id);
    return discoveredResource({
      kind: "instance",
      cloudId: id,
      name: tags.Name ?? id,
      region,
      availabilityZones: instance.Placement?.AvailabilityZone ? [instance.Placement.AvailabilityZone] : [],
      tags,
      instanceType: instance.InstanceType ?? null,
      parentCloudId: membership?.AutoScalingGroupName ?? tags[GROUP_NAME_TAG] ?? null,
      status: statusOf(instance, membership),
      attributes: {
        state: instance.State?.Name ?? null,
        lifecycleState: membership?.LifecycleState ?? null,
        healthStatus: membership?.HealthStatus ?? null,
        privateIp: instance.PrivateIpAddress ?? null,
        imageId: instance.ImageId ?? null,
        subnetId: instance.SubnetId ?? null,
        vpcId: instance.VpcId ?? null,
      },
    });
  });
};
