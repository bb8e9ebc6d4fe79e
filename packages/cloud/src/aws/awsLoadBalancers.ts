import { DescribeEnvironmentsCommand } from "@aws-sdk/client-elastic-beanstalk";
import {
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  paginateDescribeLoadBalancers,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  type DeployTargetBalancer,
  type LoadBalancerPort,
  loadBalancerDimensionOf,
  type TargetHealth,
  targetGroupDimensionOf,
} from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";
import { getPipelineDeclaration } from "./awsPipelines.ts";
import { tagsOf } from "./awsTags.ts";

type BalancerClients = Pick<AwsClients, "codePipeline" | "elbv2" | "elasticBeanstalk">;

/** The tag Elastic Beanstalk puts on the load balancer it creates for an environment, by the environment's name. */
export const BEANSTALK_ENVIRONMENT_NAME_TAG = "elasticbeanstalk:environment-name";
/** DescribeTags takes at most 20 load balancers per call. */
const TAGS_PER_CALL = 20;

/** The Beanstalk environment the pipeline's ElasticBeanstalk deploy action updates; null when it has none. */
async function deployEnvironmentOf(clients: BalancerClients, pipelineName: string): Promise<string | null> {
  const { pipeline } = await getPipelineDeclaration(clients, pipelineName);
  for (const stage of [...(pipeline.stages ?? [])].reverse()) {
    for (const action of stage.actions ?? []) {
      const environment = action.configuration?.EnvironmentName;
      if (
        action.actionTypeId?.category === "Deploy" &&
        action.actionTypeId.provider === "ElasticBeanstalk" &&
        environment
      ) {
        return environment;
      }
    }
  }
  return null;
}

/** The ARN of the load balancer Beanstalk tagged with the environment's name; null when none is. */
async function balancerTaggedFor(clients: BalancerClients, environmentName: string): Promise<string | null> {
  const arns = await awsCall("elasticloadbalancing", "DescribeLoadBalancers", async () => {
    const found: string[] = [];
    for await (const page of paginateDescribeLoadBalancers({ client: clients.elbv2 }, {})) {
      for (const balancer of page.LoadBalancers ?? [])
        if (balancer.LoadBalancerArn) found.push(balancer.LoadBalancerArn);
    }
    return found;
  });
  for (let start = 0; start < arns.length; start += TAGS_PER_CALL) {
    const answer = await awsCall("elasticloadbalancing", "DescribeTags", () =>
      clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(start, start + TAGS_PER_CALL) })),
    );
    const match = (answer.TagDescriptions ?? []).find(
      (description) => tagsOf(description.Tags)[BEANSTALK_ENVIRONMENT_NAME_TAG] === environmentName,
    );
    if (match?.ResourceArn) return match.ResourceArn;
  }
  return null;
}

export function createAwsLoadBalancers(clients: BalancerClients): LoadBalancerPort {
  async function findForEnvironment(environmentName: string): Promise<DeployTargetBalancer | null> {
    const loadBalancerArn = await balancerTaggedFor(clients, environmentName);
    if (!loadBalancerArn) return null;
    const groups = await awsCall("elasticloadbalancing", "DescribeTargetGroups", () =>
      clients.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: loadBalancerArn })),
    );
    return {
      loadBalancerArn,
      loadBalancerDimension: loadBalancerDimensionOf(loadBalancerArn),
      targetGroups: (groups.TargetGroups ?? []).flatMap((group) =>
        group.TargetGroupArn
          ? [{ arn: group.TargetGroupArn, dimension: targetGroupDimensionOf(group.TargetGroupArn) }]
          : [],
      ),
      environmentName,
    };
  }

  return {
    async findForPipeline(pipelineName) {
      const environmentName = await deployEnvironmentOf(clients, pipelineName);
      return environmentName ? findForEnvironment(environmentName) : null;
    },

    findForEnvironment,

    async describeTargetHealth(targetGroupArn): Promise<TargetHealth[]> {
      const answer = await awsCall("elasticloadbalancing", "DescribeTargetHealth", () =>
        clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
      );
      return (answer.TargetHealthDescriptions ?? []).map((description) => ({
        targetId: description.Target?.Id ?? "",
        state: description.TargetHealth?.State ?? "unavailable",
        reason: description.TargetHealth?.Reason ?? null,
      }));
    },

    async environmentHealth(environmentName) {
      const answer = await awsCall("elasticbeanstalk", "DescribeEnvironments", () =>
        clients.elasticBeanstalk.send(
          new DescribeEnvironmentsCommand({ EnvironmentNames: [environmentName], IncludeDeleted: false }),
        ),
      );
      return answer.Environments?.[0]?.Health ?? null;
    },
  };
}
