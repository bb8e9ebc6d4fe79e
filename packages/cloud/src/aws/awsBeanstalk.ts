import {
  type ConfigurationOptionSetting,
  CreateConfigurationTemplateCommand,
  CreateEnvironmentCommand,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  type EnvironmentDescription,
  type EventDescription,
  SwapEnvironmentCNAMEsCommand,
  TerminateEnvironmentCommand,
  UpdateEnvironmentCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import {
  type BeanstalkEnvironmentState,
  type BeanstalkEnvironmentSummary,
  type BeanstalkPort,
  CloudError,
  type DeployedVersion,
} from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

type BeanstalkClients = Pick<AwsClients, "elasticBeanstalk">;

/** Where Beanstalk keeps the instance type: `aws:autoscaling:launchconfiguration InstanceType` is obsolete. */
export const INSTANCE_TYPES_OPTION = { Namespace: "aws:ec2:instances", OptionName: "InstanceTypes" } as const;
const ROLLING_UPDATE = "aws:autoscaling:updatepolicy:rollingupdate";

const optionValue = (settings: ConfigurationOptionSetting[], namespace: string, name: string) =>
  settings.find((s) => s.Namespace === namespace && s.OptionName === name)?.Value;

const countOrNull = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : null);

async function environmentById(clients: BeanstalkClients, environmentId: string) {
  const answer = await awsCall("elasticbeanstalk", "DescribeEnvironments", () =>
    clients.elasticBeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentIds: [environmentId] })),
  );
  const environment = answer.Environments?.find((e) => e.Status !== "Terminated");
  if (!environment?.EnvironmentName || !environment.ApplicationName) {
    throw new CloudError("not_found", `Elastic Beanstalk environment not found: ${environmentId}`, {
      service: "elasticbeanstalk",
    });
  }
  return environment;
}

/** How many of an environment's newest events the version history reads (DescribeEvents' maximum). */
const VERSION_HISTORY_EVENTS = 1000;

/**
 * The versions an environment ran, newest first, from its events (newest first, as Beanstalk lists
 * them): each run of events naming the same VersionLabel is one entry, dated by its oldest event.
 */
export function versionHistoryOf(events: EventDescription[]): DeployedVersion[] {
  const history: DeployedVersion[] = [];
  for (const event of events) {
    if (!event.VersionLabel || !event.EventDate) continue;
    const newest = history.at(-1);
    if (newest?.versionLabel === event.VersionLabel) newest.at = event.EventDate;
    else history.push({ versionLabel: event.VersionLabel, at: event.EventDate });
  }
  return history;
}

function summaryOf(environment: EnvironmentDescription): BeanstalkEnvironmentSummary {
  return {
    environmentId: environment.EnvironmentId ?? "",
    environmentName: environment.EnvironmentName ?? "",
    applicationName: environment.ApplicationName ?? "",
    status: environment.Status ?? "Ready",
    health: environment.Health ?? null,
    cname: environment.CNAME ?? "",
    versionLabel: environment.VersionLabel ?? null,
  };
}

export function createAwsBeanstalk(clients: BeanstalkClients): BeanstalkPort {
  return {
    async describeEnvironment(environmentId): Promise<BeanstalkEnvironmentState> {
      const environment = await environmentById(clients, environmentId);
      const answer = await awsCall("elasticbeanstalk", "DescribeConfigurationSettings", () =>
        clients.elasticBeanstalk.send(
          new DescribeConfigurationSettingsCommand({
            ApplicationName: environment.ApplicationName,
            EnvironmentName: environment.EnvironmentName,
          }),
        ),
      );
      const settings = answer.ConfigurationSettings?.[0]?.OptionSettings ?? [];
      const types = optionValue(settings, INSTANCE_TYPES_OPTION.Namespace, INSTANCE_TYPES_OPTION.OptionName) ?? "";
      return {
        environmentId: environment.EnvironmentId ?? environmentId,
        environmentName: environment.EnvironmentName ?? environmentId,
        status: environment.Status ?? "Ready",
        health: environment.Health ?? null,
        instanceTypes: types
          .split(",")
          .map((t) => t.trim())
          .filter((t) => t.length > 0),
        rollingUpdate: {
          enabled: optionValue(settings, ROLLING_UPDATE, "RollingUpdateEnabled") === "true",
          maxBatchSize: countOrNull(optionValue(settings, ROLLING_UPDATE, "MaxBatchSize")),
          minInstancesInService: countOrNull(optionValue(settings, ROLLING_UPDATE, "MinInstancesInService")),
        },
      };
    },

    async updateInstanceTypes(environmentId, instanceTypes) {
      await awsCall("elasticbeanstalk", "UpdateEnvironment", () =>
        clients.elasticBeanstalk.send(
          new UpdateEnvironmentCommand({
            EnvironmentId: environmentId,
            OptionSettings: [{ ...INSTANCE_TYPES_OPTION, Value: instanceTypes.join(",") }],
          }),
        ),
      );
    },

    async describeEvents(environmentId, since) {
      const answer = await awsCall("elasticbeanstalk", "DescribeEvents", () =>
        clients.elasticBeanstalk.send(
          new DescribeEventsCommand({ EnvironmentId: environmentId, StartTime: since, MaxRecords: 100 }),
        ),
      );
      // Beanstalk lists newest first.
      return (answer.Events ?? [])
        .map((event) => ({
          at: event.EventDate ?? since,
          severity: event.Severity ?? "INFO",
          message: event.Message ?? "",
        }))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
    },

    async findEnvironmentByName(environmentName) {
      const answer = await awsCall("elasticbeanstalk", "DescribeEnvironments", () =>
        clients.elasticBeanstalk.send(
          new DescribeEnvironmentsCommand({ EnvironmentNames: [environmentName], IncludeDeleted: false }),
        ),
      );
      const environment = answer.Environments?.find((e) => e.Status !== "Terminated");
      return environment ? summaryOf(environment) : null;
    },

    async configurationTemplateExists(applicationName, templateName) {
      try {
        await awsCall("elasticbeanstalk", "DescribeConfigurationSettings", () =>
          clients.elasticBeanstalk.send(
            new DescribeConfigurationSettingsCommand({ ApplicationName: applicationName, TemplateName: templateName }),
          ),
        );
        return true;
      } catch (error) {
        // Beanstalk answers InvalidParameterValue for a template that does not exist.
        if (error instanceof CloudError && (error.kind === "invalid_request" || error.kind === "not_found"))
          return false;
        throw error;
      }
    },

    async createConfigurationTemplate(request) {
      await awsCall("elasticbeanstalk", "CreateConfigurationTemplate", () =>
        clients.elasticBeanstalk.send(
          new CreateConfigurationTemplateCommand({
            ApplicationName: request.applicationName,
            TemplateName: request.templateName,
            EnvironmentId: request.environmentId,
            Description: request.description,
          }),
        ),
      );
    },

    async createEnvironment(request) {
      const answer = await awsCall("elasticbeanstalk", "CreateEnvironment", () =>
        clients.elasticBeanstalk.send(
          new CreateEnvironmentCommand({
            ApplicationName: request.applicationName,
            EnvironmentName: request.environmentName,
            TemplateName: request.templateName,
            VersionLabel: request.versionLabel,
            CNAMEPrefix: request.cnamePrefix,
          }),
        ),
      );
      return summaryOf(answer);
    },

    async swapEnvironmentCnames(sourceEnvironmentId, destinationEnvironmentId) {
      await awsCall("elasticbeanstalk", "SwapEnvironmentCNAMEs", () =>
        clients.elasticBeanstalk.send(
          new SwapEnvironmentCNAMEsCommand({
            SourceEnvironmentId: sourceEnvironmentId,
            DestinationEnvironmentId: destinationEnvironmentId,
          }),
        ),
      );
    },

    async updateEnvironmentVersion(environmentId, versionLabel) {
      await awsCall("elasticbeanstalk", "UpdateEnvironment", () =>
        clients.elasticBeanstalk.send(
          new UpdateEnvironmentCommand({ EnvironmentId: environmentId, VersionLabel: versionLabel }),
        ),
      );
    },

    async describeVersionHistory(environmentId) {
      const answer = await awsCall("elasticbeanstalk", "DescribeEvents", () =>
        clients.elasticBeanstalk.send(
          new DescribeEventsCommand({ EnvironmentId: environmentId, MaxRecords: VERSION_HISTORY_EVENTS }),
        ),
      );
      return versionHistoryOf(answer.Events ?? []);
    },

    async terminateEnvironment(environmentId) {
      await awsCall("elasticbeanstalk", "TerminateEnvironment", () =>
        clients.elasticBeanstalk.send(
          new TerminateEnvironmentCommand({ EnvironmentId: environmentId, TerminateResources: true }),
        ),
      );
    },
  };
}
