import {
  MetricStatistic,
  PutScalingPolicyCommand,
  paginateDescribePolicies,
  type ScalingPolicy,
} from "@aws-sdk/client-auto-scaling";
import { MEMORY_METRIC, type MemoryScalingPolicy } from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

/** A target-tracking policy on the CloudWatch agent's memory metric (single metric or metric math). */
export function tracksMemory(policy: ScalingPolicy): boolean {
  if (policy.PolicyType !== "TargetTrackingScaling") return false;
  const custom = policy.TargetTrackingConfiguration?.CustomizedMetricSpecification;
  if (!custom) return false;
  if (custom.MetricName === MEMORY_METRIC.metricName) return true;
  return (custom.Metrics ?? []).some((metric) => metric.MetricStat?.Metric?.MetricName === MEMORY_METRIC.metricName);
}

/**
 * Names of the groups that scale on memory, from one paginated listing of
 * every scaling policy in the region. Null when the policies cannot be read
 * (e.g. no permission): "unknown", so nothing is recommended on a guess.
 */
export async function groupsTrackingMemory(clients: Pick<AwsClients, "autoScaling">): Promise<Set<string> | null> {
  try {
    return await awsCall("autoscaling", "DescribePolicies", async () => {
      const groups = new Set<string>();
      for await (const page of paginateDescribePolicies({ client: clients.autoScaling }, {})) {
        for (const policy of page.ScalingPolicies ?? []) {
          if (tracksMemory(policy) && policy.AutoScalingGroupName) groups.add(policy.AutoScalingGroupName);
        }
      }
      return groups;
    });
  } catch {
    return null;
  }
}

/** The group's memory target-tracking policy (the first, should it have several); null when none. */
export async function describeMemoryTargetTracking(
  clients: Pick<AwsClients, "autoScaling">,
  groupName: string,
): Promise<MemoryScalingPolicy | null> {
  return awsCall("autoscaling", "DescribePolicies", async () => {
    const pages = paginateDescribePolicies(
      { client: clients.autoScaling },
      { AutoScalingGroupName: groupName, PolicyTypes: ["TargetTrackingScaling"] },
    );
    for await (const page of pages) {
      const policy = (page.ScalingPolicies ?? []).find(
        (candidate) => candidate.AutoScalingGroupName === groupName && tracksMemory(candidate),
      );
      if (policy?.PolicyName) {
        return { policyName: policy.PolicyName, targetPercent: policy.TargetTrackingConfiguration?.TargetValue ?? 0 };
      }
    }
    return null;
  });
}

/**
 * Target tracking on the group's average `mem_used_percent` as the CloudWatch agent publishes it
 * with `aggregation_dimensions: [["AutoScalingGroupName"]]`; a policy of the same name is replaced.
 */
export async function putMemoryTargetTracking(
  clients: Pick<AwsClients, "autoScaling">,
  groupName: string,
  policy: MemoryScalingPolicy,
): Promise<void> {
  await awsCall("autoscaling", "PutScalingPolicy", () =>
    clients.autoScaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: groupName,
        PolicyName: policy.policyName,
        PolicyType: "TargetTrackingScaling",
        TargetTrackingConfiguration: {
          CustomizedMetricSpecification: {
            MetricName: MEMORY_METRIC.metricName,
            Namespace: MEMORY_METRIC.namespace,
            Dimensions: [{ Name: "AutoScalingGroupName", Value: groupName }],
            Statistic: MetricStatistic.Average,
          },
          TargetValue: policy.targetPercent,
        },
      }),
    ),
  );
}
