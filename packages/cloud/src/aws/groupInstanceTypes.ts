import {
  type AutoScalingGroup,
  DescribeLaunchConfigurationsCommand,
  type Instance,
  type LaunchTemplateSpecification,
} from "@aws-sdk/client-auto-scaling";
import { DescribeLaunchTemplateVersionsCommand } from "@aws-sdk/client-ec2";
import { isCloudError } from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

/**
 * The instance type each group launches, by group name. Auto Scaling does not
 * report it directly: it comes from the mixed-instances overrides, the launch
 * template (EC2) or the launch configuration, and only as a last resort from
 * the instances running now (which may predate a template change).
 */
export async function configuredInstanceTypes(
  clients: Pick<AwsClients, "autoScaling" | "ec2">,
  groups: AutoScalingGroup[],
): Promise<Map<string, string | null>> {
  const templateTypes = new Map<string, Promise<string | null>>();
  const templateType = (spec: LaunchTemplateSpecification) => {
    const key = `${spec.LaunchTemplateId ?? spec.LaunchTemplateName}@${spec.Version ?? "$Default"}`;
    let found = templateTypes.get(key);
    if (!found) {
      found = launchTemplateInstanceType(clients, spec);
      templateTypes.set(key, found);
    }
    return found;
  };
  const configurationTypes = await launchConfigurationInstanceTypes(clients, groups);

  const types = new Map<string, string | null>();
  for (const group of groups) {
    const mixed = group.MixedInstancesPolicy?.LaunchTemplate;
    const override = mixed?.Overrides?.find((o) => o.InstanceType)?.InstanceType;
    const template = mixed?.LaunchTemplateSpecification ?? group.LaunchTemplate;
    let type: string | null = override ?? null;
    if (!type && template) type = await templateType(template);
    if (!type && group.LaunchConfigurationName) type = configurationTypes.get(group.LaunchConfigurationName) ?? null;
    types.set(group.AutoScalingGroupName ?? "", type ?? mostCommonInstanceType(group.Instances));
  }
  return types;
}

async function launchTemplateInstanceType(
  clients: Pick<AwsClients, "ec2">,
  spec: LaunchTemplateSpecification,
): Promise<string | null> {
  try {
    const answer = await awsCall("ec2", "DescribeLaunchTemplateVersions", () =>
      clients.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({
          ...(spec.LaunchTemplateId
            ? { LaunchTemplateId: spec.LaunchTemplateId }
            : { LaunchTemplateName: spec.LaunchTemplateName }),
          Versions: [spec.Version ?? "$Default"],
        }),
      ),
    );
    return answer.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType ?? null;
  } catch (error) {
    // A deleted template or a role without ec2:Describe* should not hide the group: the
    // instances still tell the type. Throttling and outages propagate so the caller retries.
    if (isCloudError(error) && (error.kind === "not_found" || error.kind === "access_denied")) return null;
    throw error;
  }
}

async function launchConfigurationInstanceTypes(
  clients: Pick<AwsClients, "autoScaling">,
  groups: AutoScalingGroup[],
): Promise<Map<string, string>> {
  const names = [...new Set(groups.flatMap((g) => (g.LaunchConfigurationName ? [g.LaunchConfigurationName] : [])))];
  const types = new Map<string, string>();
  // DescribeLaunchConfigurations takes at most 50 names per call.
  for (let start = 0; start < names.length; start += 50) {
    const answer = await awsCall("autoscaling", "DescribeLaunchConfigurations", () =>
      clients.autoScaling.send(
        new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: names.slice(start, start + 50) }),
      ),
    );
    for (const configuration of answer.LaunchConfigurations ?? []) {
      if (configuration.LaunchConfigurationName && configuration.InstanceType) {
        types.set(configuration.LaunchConfigurationName, configuration.InstanceType);
      }
    }
  }
  return types;
}

function mostCommonInstanceType(instances: Instance[] | undefined): string | null {
  const counts = new Map<string, number>();
  for (const instance of instances ?? []) {
    if (instance.InstanceType) counts.set(instance.InstanceType, (counts.get(instance.InstanceType) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [type, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = type;
  return best;
}
