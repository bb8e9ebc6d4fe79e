import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateConfigurationTemplateCommand,
  CreateEnvironmentCommand,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
  SwapEnvironmentCNAMEsCommand,
  TerminateEnvironmentCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, metadata, mockedCloud } from "./mockedCloud.ts";

// moto has none of CreateConfigurationTemplate, SwapEnvironmentCNAMEs or TerminateEnvironment.
describe("AWS adapter: blue/green deploys on Elastic Beanstalk (aws-sdk-client-mock)", () => {
  const elasticBeanstalk = new ElasticBeanstalkClient(MOCK_CLIENT_CONFIG);
  const ebMock = mockClient(elasticBeanstalk);
  const cloud = () => mockedCloud({ elasticBeanstalk });
  const inputOf = <T>(calls: { args: [{ input: T }] }[]) => calls.map((call) => call.args[0].input);

  beforeEach(() => ebMock.reset());

  it("saves the live environment's settings as a configuration template", async () => {
    ebMock.on(CreateConfigurationTemplateCommand).resolves({ TemplateName: "fastier-prod-b-from-0a1b2c3d" });
    await cloud().beanstalk.createConfigurationTemplate({
      applicationName: "fastier-web",
      templateName: "fastier-prod-b-from-0a1b2c3d",
      environmentId: "e-fastierprod",
      description: "Settings of fastier-prod",
    });
    assert.deepEqual(inputOf(ebMock.commandCalls(CreateConfigurationTemplateCommand)), [
      {
        ApplicationName: "fastier-web",
        TemplateName: "fastier-prod-b-from-0a1b2c3d",
        EnvironmentId: "e-fastierprod",
        Description: "Settings of fastier-prod",
      },
    ]);
  });

  it("creates the green environment from the template with the version and a CNAME prefix of its own", async () => {
    ebMock.on(CreateEnvironmentCommand).resolves({
      EnvironmentId: "e-green0001",
      EnvironmentName: "fastier-prod-b",
      ApplicationName: "fastier-web",
      Status: "Launching",
      Health: "Grey",
      CNAME: "fastier-prod-b.us-east-1.elasticbeanstalk.com",
      VersionLabel: "fastier-web-v42",
    });
    const green = await cloud().beanstalk.createEnvironment({
      applicationName: "fastier-web",
      environmentName: "fastier-prod-b",
      templateName: "fastier-prod-b-from-0a1b2c3d",
      versionLabel: "fastier-web-v42",
      cnamePrefix: "fastier-prod-b",
    });
    assert.deepEqual(inputOf(ebMock.commandCalls(CreateEnvironmentCommand)), [
      {
        ApplicationName: "fastier-web",
        EnvironmentName: "fastier-prod-b",
        TemplateName: "fastier-prod-b-from-0a1b2c3d",
        VersionLabel: "fastier-web-v42",
        CNAMEPrefix: "fastier-prod-b",
      },
    ]);
    assert.deepEqual(green, {
      environmentId: "e-green0001",
      environmentName: "fastier-prod-b",
      applicationName: "fastier-web",
      status: "Launching",
      health: "Grey",
      cname: "fastier-prod-b.us-east-1.elasticbeanstalk.com",
      versionLabel: "fastier-web-v42",
    });
  });

  it("swaps the CNAMEs of two environments by id", async () => {
    ebMock.on(SwapEnvironmentCNAMEsCommand).resolves({});
    await cloud().beanstalk.swapEnvironmentCnames("e-fastierprod", "e-green0001");
    assert.deepEqual(inputOf(ebMock.commandCalls(SwapEnvironmentCNAMEsCommand)), [
      { SourceEnvironmentId: "e-fastierprod", DestinationEnvironmentId: "e-green0001" },
    ]);
  });

  it("terminates an environment with its resources", async () => {
    ebMock.on(TerminateEnvironmentCommand).resolves({ Status: "Terminating" });
    await cloud().beanstalk.terminateEnvironment("e-fastierprod");
    assert.deepEqual(inputOf(ebMock.commandCalls(TerminateEnvironmentCommand)), [
      { EnvironmentId: "e-fastierprod", TerminateResources: true },
    ]);
  });

  it("finds an environment by name, ignoring a terminated one of the same name", async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({
      Environments: [
        { EnvironmentId: "e-old", EnvironmentName: "fastier-prod-b", Status: "Terminated" },
        {
          EnvironmentId: "e-green0001",
          EnvironmentName: "fastier-prod-b",
          ApplicationName: "fastier-web",
          Status: "Ready",
          Health: "Green",
          CNAME: "fastier-prod.us-east-1.elasticbeanstalk.com",
          VersionLabel: "fastier-web-v42",
        },
      ],
    });
    const found = await cloud().beanstalk.findEnvironmentByName("fastier-prod-b");
    assert.equal(found?.environmentId, "e-green0001");
    assert.equal(found?.cname, "fastier-prod.us-east-1.elasticbeanstalk.com");
    assert.deepEqual(inputOf(ebMock.commandCalls(DescribeEnvironmentsCommand)), [
      { EnvironmentNames: ["fastier-prod-b"], IncludeDeleted: false },
    ]);
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
    assert.equal(await cloud().beanstalk.findEnvironmentByName("fastier-prod-a"), null);
  });

  it("tells a missing configuration template from a failing call", async () => {
    ebMock.on(DescribeConfigurationSettingsCommand).rejects(
      Object.assign(new Error("No Configuration Template named 'fastier-web/missing' found."), {
        name: "InvalidParameterValue",
        $metadata: metadata("req-missing"),
      }),
    );
    assert.equal(await cloud().beanstalk.configurationTemplateExists("fastier-web", "missing"), false);
    ebMock.on(DescribeConfigurationSettingsCommand).rejects(
      Object.assign(new Error("Service Unavailable"), {
        name: "ServiceUnavailable",
        $metadata: metadata("req-503", 503),
      }),
    );
    await assert.rejects(cloud().beanstalk.configurationTemplateExists("fastier-web", "any"), { kind: "unavailable" });
    ebMock.on(DescribeConfigurationSettingsCommand).resolves({ ConfigurationSettings: [{ TemplateName: "present" }] });
    assert.equal(await cloud().beanstalk.configurationTemplateExists("fastier-web", "present"), true);
    assert.deepEqual(inputOf(ebMock.commandCalls(DescribeConfigurationSettingsCommand)).at(-1), {
      ApplicationName: "fastier-web",
      TemplateName: "present",
    });
  });
});
