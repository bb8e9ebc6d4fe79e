import { paginateDescribePolicies, type ScalingPolicy } from "@aws-sdk/client-auto-scaling";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

const MEMORY_METRIC = "mem_used_percent";

/** A target-tracking policy on the CloudWatch agent's memory metric (single metric or metric math). */
function tracksMemory(policy: ScalingPolicy): boolean {
  if (policy.PolicyType !== "TargetTrackingScaling") return false;
  const custom = policy.TargetTrackingConfiguration?.CustomizedMetricSpecification;
  if (!custom) return false;
  if (custom.MetricName === MEMORY_METRIC) return true;
  return (custom.Metrics ?? []).some((metric) => metric.MetricStat?.Metric?.MetricName === MEMORY_METRIC);
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
