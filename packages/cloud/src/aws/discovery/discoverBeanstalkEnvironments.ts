import {
  DescribeConfigurationSettingsCommand,
  type DescribeConfigurationSettingsCommandOutput,
  DescribeEnvironmentsCommand,
  type EnvironmentDescription,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import type { DiscoveredResource } from "@fastier/core";
import { BEANSTALK_DATABASE_ATTRIBUTE, discoveredResource } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";
import { awsCall } from "../awsErrors.ts";
import { tagsOf } from "../awsTags.ts";
import { listRecords, recordTargetsOf } from "./discoverDnsRecords.ts";
import type { KindLister } from "./discoveredResource.ts";
import { mapWithConcurrency } from "./mapWithConcurrency.ts";

/** The option namespace of the RDS database Beanstalk created for an environment (present only with one). */
export const BEANSTALK_RDS_NAMESPACE = "aws:rds:dbinstance";
/** Blue/green copies are named `<base>-green`, `<base>-a` or `<base>-b`; the live one is usually `<base>`. */
const COPY_SUFFIX = /-(green|a|b)$/;

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

/**
 * Whether Beanstalk created an RDS database for the environment (terminating it would delete the
 * database): its configuration says `HasCoupledDatabase`, or, on platforms before decoupling
 * existed, it has any option in the `aws:rds:dbinstance` namespace; null when it cannot be read.
 */
async function hasBeanstalkDatabase(clients: AwsClients, environment: EnvironmentDescription): Promise<boolean | null> {
  let answer: DescribeConfigurationSettingsCommandOutput;
  try {
    answer = await awsCall("elasticbeanstalk", "DescribeConfigurationSettings", () =>
      clients.elasticBeanstalk.send(
        new DescribeConfigurationSettingsCommand({
          ApplicationName: environment.ApplicationName,
          EnvironmentName: environment.EnvironmentName,
        }),
      ),
    );
  } catch {
    // Unknown (an emulator without the call, a role without the permission): the rest of the environment is still listed.
    return null;
  }
  const options = (answer.ConfigurationSettings?.[0]?.OptionSettings ?? []).filter(
    (option) => option.Namespace === BEANSTALK_RDS_NAMESPACE,
  );
  const coupled = options.find((option) => option.OptionName === "HasCoupledDatabase");
  return coupled ? coupled.Value === "true" : options.length > 0;
}

/** Host names Route 53 points at; empty when Route 53 cannot be read (the naming rule then decides). */
async function routedHostNames(clients: AwsClients): Promise<Set<string>> {
  try {
    return new Set((await listRecords(clients)).flatMap(({ record }) => recordTargetsOf(record)));
  } catch {
    return new Set();
  }
}

/**
 * Which environment of each application answers on the live host name: the one whose CNAME a
 * Route 53 record points at; when no record points at any of them, the one whose name has no
 * blue/green suffix (`-green`, `-a`, `-b`); an application's only environment always does.
 */
export function liveEnvironmentIds(environments: EnvironmentDescription[], routed: Set<string>): Set<string> {
  const live = new Set<string>();
  const byApplication = new Map<string, EnvironmentDescription[]>();
  for (const environment of environments) {
    const key = environment.ApplicationName ?? "";
    byApplication.set(key, [...(byApplication.get(key) ?? []), environment]);
  }
  for (const family of byApplication.values()) {
    const pointedAt = family.filter((e) => e.CNAME && routed.has(e.CNAME.toLowerCase()));
    const chosen =
      family.length === 1
        ? family
        : pointedAt.length > 0
          ? pointedAt
          : family.filter((e) => !COPY_SUFFIX.test(e.EnvironmentName ?? ""));
    for (const environment of chosen) live.add(environment.EnvironmentId || environment.EnvironmentName || "");
  }
  return live;
}

export const discoverBeanstalkEnvironments: KindLister = async (clients, region) => {
  const environments = await listEnvironments(clients);
  const live = liveEnvironmentIds(environments, environments.length > 1 ? await routedHostNames(clients) : new Set());
  return mapWithConcurrency(environments, 4, async (environment) => {
    const name = environment.EnvironmentName ?? "";
    const cloudId = environment.EnvironmentId || name;
    return discoveredResource({
      kind: "beanstalk_environment",
      // The id is what Beanstalk's groups and load balancers point at (their environment-id tag);
      // the name stands in only where an emulator leaves the id empty.
      cloudId,
      name,
      region,
      tags: await environmentTags(clients, environment.EnvironmentArn),
      status: statusOf(environment),
      attributes: {
        applicationName: environment.ApplicationName ?? null,
        platform: environment.PlatformArn ?? environment.SolutionStackName ?? null,
        cname: environment.CNAME || null,
        holdsLiveCname: live.has(cloudId),
        health: environment.Health ?? null,
        versionLabel: environment.VersionLabel ?? null,
        tier: environment.Tier?.Name ?? null,
        [BEANSTALK_DATABASE_ATTRIBUTE]: await hasBeanstalkDatabase(clients, environment),
      },
    });
  });
};
