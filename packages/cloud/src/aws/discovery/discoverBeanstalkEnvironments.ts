import {
  DescribeEnvironmentsCommand,
  type EnvironmentDescription,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import type { DiscoveredResource } from "@fastier/core";
import { discoveredResource } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";
import { awsCall } from "../awsErrors.ts";
import { tagsOf } from "../awsTags.ts";
import type { KindLister } from "./discoveredResource.ts";
import { mapWithConcurrency } from "./mapWithConcurrency.ts";

function statusOf(environment: EnvironmentDescription): DiscoveredResource["status"] {
  switch (environment.Status) {
    case "Launching":
      return "pending";
    case "Ready":
      if (environment.Health === "Red") return "failed";
      return environment.Health === "Yellow" ? "degraded" : "active";
    default:
      // Updating, Aborting, Linking*, Terminating.
      return "modifying";
  }
}

async function listEnvironments(clients: AwsClients): Promise<EnvironmentDescription[]> {
  return awsCall("elasticbeanstalk", "DescribeEnvironments", async () => {
    const found: EnvironmentDescription[] = [];
    let nextToken: string | undefined;
    do {
      const page = await clients.elasticBeanstalk.send(
        new DescribeEnvironmentsCommand({ IncludeDeleted: false, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      found.push(...(page.Environments ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return found.filter((environment) => environment.Status !== "Terminated");
  });
}

async function environmentTags(clients: AwsClients, arn: string | undefined): Promise<Record<string, string>> {
  if (!arn) return {};
  const answer = await awsCall("elasticbeanstalk", "ListTagsForResource", () =>
    clients.elasticBeanstalk.send(new ListTagsForResourceCommand({ ResourceArn: arn })),
  );
  return tagsOf(answer.ResourceTags);
}

export const discoverBeanstalkEnvironments: KindLister = async (clients, region) =>
  mapWithConcurrency(await listEnvironments(clients), 4, async (environment) => {
    const name = environment.EnvironmentName ?? "";
    return discoveredResource({
      kind: "beanstalk_environment",
      // The id is what Beanstalk's groups and load balancers point at (their environment-id tag);
      // the name stands in only where an emulator leaves the id empty.
      cloudId: environment.EnvironmentId || name,
      name,
      region,
      tags: await environmentTags(clients, environment.EnvironmentArn),
      status: statusOf(environment),
      attributes: {
        applicationName: environment.ApplicationName ?? null,
        platform: environment.PlatformArn ?? environment.SolutionStackName ?? null,
        cname: environment.CNAME || null,
        health: environment.Health ?? null,
        versionLabel: environment.VersionLabel ?? null,
        tier: environment.Tier?.Name ?? null,
      },
    });
  });
