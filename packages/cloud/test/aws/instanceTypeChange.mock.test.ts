import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ElasticBeanstalkClient,
  UpdateEnvironmentCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, mockedCloud } from "./mockedCloud.ts";

// moto has neither Elastic Beanstalk's UpdateEnvironment nor Auto Scaling's instance refreshes.
describe("AWS adapter: instance type changes (aws-sdk-client-mock)", () => {
  const autoScaling = new AutoScalingClient(MOCK_CLIENT_CONFIG);
  const ec2 = new EC2Client(MOCK_CLIENT_CONFIG);
  const elasticBeanstalk = new ElasticBeanstalkClient(MOCK_CLIENT_CONFIG);
  const asMock = mockClient(autoScaling);
  const ebMock = mockClient(elasticBeanstalk);
  mockClient(ec2);
  const cloud = () => mockedCloud({ autoScaling, ec2, elasticBeanstalk });

  beforeEach(() => {
    asMock.reset();
    ebMock.reset();
  });

  it("changes a Beanstalk environment's type with aws:ec2:instances InstanceTypes, never the launch configuration option", async () => {
    ebMock.on(UpdateEnvironmentCommand).resolves({ EnvironmentId: "e-fastierprod", Status: "Updating" });
    await cloud().beanstalk.updateInstanceTypes("e-fastierprod", ["t3.large"]);
    assert.deepEqual(ebMock.commandCalls(UpdateEnvironmentCommand)[0]?.args[0].input, {
      EnvironmentId: "e-fastierprod",
      OptionSettings: [{ Namespace: "aws:ec2:instances", OptionName: "InstanceTypes", Value: "t3.large" }],
    });
  });

  it("reads the environment's status, instance types and rolling update policy", async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({
      Environments: [
        {
          EnvironmentId: "e-fastierprod",
          EnvironmentName: "fastier-prod",
          ApplicationName: "fastier-web",
          Status: "Updating",
          Health: "Grey",
        },
      ],
    });
    ebMock.on(DescribeConfigurationSettingsCommand).resolves({
      ConfigurationSettings: [
        {
          OptionSettings: [
            { Namespace: "aws:ec2:instances", OptionName: "InstanceTypes", Value: "t3.large, t3.medium" },
            {
              Namespace: "aws:autoscaling:updatepolicy:rollingupdate",
              OptionName: "RollingUpdateEnabled",
              Value: "true",
            },
            { Namespace: "aws:autoscaling:updatepolicy:rollingupdate", OptionName: "MaxBatchSize", Value: "1" },
            {
              Namespace: "aws:autoscaling:updatepolicy:rollingupdate",
              OptionName: "MinInstancesInService",
              Value: "1",
            },
          ],
        },
      ],
    });
    assert.deepEqual(await cloud().beanstalk.describeEnvironment("e-fastierprod"), {
      environmentId: "e-fastierprod",
      environmentName: "fastier-prod",
      status: "Updating",
      health: "Grey",
      instanceTypes: ["t3.large", "t3.medium"],
      rollingUpdate: { enabled: true, maxBatchSize: 1, minInstancesInService: 1 },
    });
    assert.deepEqual(ebMock.commandCalls(DescribeEnvironmentsCommand)[0]?.args[0].input, {
      EnvironmentIds: ["e-fastierprod"],
    });
    assert.deepEqual(ebMock.commandCalls(DescribeConfigurationSettingsCommand)[0]?.args[0].input, {
      ApplicationName: "fastier-web",
      EnvironmentName: "fastier-prod",
    });
  });

  it("lists the environment's events since a time, oldest first", async () => {
    const since = new Date("2026-12-06T17:00:00Z");
    ebMock.on(DescribeEventsCommand).resolves({
      Events: [
        {
          EventDate: new Date("2026-12-06T17:09:00Z"),
          Severity: "INFO",
          Message: "Environment update completed successfully.",
        },
        { EventDate: new Date("2026-12-06T17:00:05Z"), Severity: "INFO", Message: "Environment update is starting." },
      ],
    });
    const events = await cloud().beanstalk.describeEvents("e-fastierprod", since);
    assert.deepEqual(
      events.map((e) => e.message),
      ["Environment update is starting.", "Environment update completed successfully."],
    );
    assert.deepEqual(ebMock.commandCalls(DescribeEventsCommand)[0]?.args[0].input, {
      EnvironmentId: "e-fastierprod",
      StartTime: since,
      MaxRecords: 100,
    });
  });

  it("starts a rolling refresh to a concrete version, launching before terminating, with auto rollback", async () => {
    asMock.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: "ref-1" });
    const started = await cloud().autoScaling.startInstanceRefresh("fastier-workers", {
      launchTemplateId: "lt-0abc",
      version: 7,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 200,
      autoRollback: true,
    });
    assert.deepEqual(started, { refreshId: "ref-1" });
    assert.deepEqual(asMock.commandCalls(StartInstanceRefreshCommand)[0]?.args[0].input, {
      AutoScalingGroupName: "fastier-workers",
      Strategy: "Rolling",
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: "lt-0abc", Version: "7" } },
      Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, AutoRollback: true, SkipMatching: true },
    });
  });

  it("reads refreshes with their desired version, progress and reason", async () => {
    asMock.on(DescribeInstanceRefreshesCommand).resolves({
      InstanceRefreshes: [
        {
          InstanceRefreshId: "ref-2",
          Status: "RollbackSuccessful",
          StatusReason: "Instances failed health checks",
          PercentageComplete: 0,
          InstancesToUpdate: 2,
          StartTime: new Date("2026-12-06T17:00:00Z"),
          EndTime: new Date("2026-12-06T17:06:00Z"),
          DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: "lt-0abc", Version: "7" } },
        },
        { InstanceRefreshId: "ref-1", Status: "Successful", PercentageComplete: 100 },
      ],
    });
    const [failed, older] = await cloud().autoScaling.describeInstanceRefreshes("fastier-workers");
    assert.deepEqual(failed, {
      refreshId: "ref-2",
      status: "RollbackSuccessful",
      statusReason: "Instances failed health checks",
      percentageComplete: 0,
      instancesToUpdate: 2,
      desiredVersion: 7,
      startedAt: new Date("2026-12-06T17:00:00Z"),
      endedAt: new Date("2026-12-06T17:06:00Z"),
    });
    assert.equal(older?.desiredVersion, null, "a refresh without a desired configuration");
    assert.deepEqual(asMock.commandCalls(DescribeInstanceRefreshesCommand)[0]?.args[0].input, {
      AutoScalingGroupName: "fastier-workers",
    });
  });

  it("names the Beanstalk environment that owns a group from its environment-id tag", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: "awseb-e-fastierprod-AWSEBAutoScalingGroup",
          MinSize: 2,
          MaxSize: 6,
          DesiredCapacity: 2,
          DefaultCooldown: 300,
          AvailabilityZones: ["us-east-1a"],
          HealthCheckType: "ELB",
          CreatedTime: new Date("2025-01-01T00:00:00Z"),
          Tags: [{ Key: "elasticbeanstalk:environment-id", Value: "e-fastierprod" }],
        },
        {
          AutoScalingGroupName: "fastier-workers",
          MinSize: 2,
          MaxSize: 4,
          DesiredCapacity: 2,
          DefaultCooldown: 300,
          AvailabilityZones: ["us-east-1a"],
          HealthCheckType: "EC2",
          CreatedTime: new Date("2025-01-01T00:00:00Z"),
        },
      ],
    });
    const groups = await cloud().autoScaling.describeGroups();
    assert.deepEqual(
      groups.map((g) => [g.name, g.beanstalkEnvironmentId]),
      [
        ["awseb-e-fastierprod-AWSEBAutoScalingGroup", "e-fastierprod"],
        ["fastier-workers", null],
      ],
    );
  });
});
