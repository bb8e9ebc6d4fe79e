import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeLaunchTemplateVersionsCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import { CloudError } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, metadata, mockedCloud } from "./mockedCloud.ts";

const group = (name: string, extra: object = {}) => ({
  AutoScalingGroupName: name,
  MinSize: 2,
  MaxSize: 6,
  DesiredCapacity: 2,
  DefaultCooldown: 300,
  AvailabilityZones: ["us-east-1a", "us-east-1b"],
  HealthCheckType: "ELB",
  CreatedTime: new Date("2025-01-01T00:00:00Z"),
  ...extra,
});

describe("AWS adapter: Auto Scaling requests (aws-sdk-client-mock)", () => {
  const autoScaling = new AutoScalingClient(MOCK_CLIENT_CONFIG);
  const ec2 = new EC2Client(MOCK_CLIENT_CONFIG);
  const asMock = mockClient(autoScaling);
  const ec2Mock = mockClient(ec2);
  const cloud = () => mockedCloud({ autoScaling, ec2 });

  beforeEach(() => {
    asMock.reset();
    ec2Mock.reset();
  });

  it("sets desired capacity without honouring the cooldown", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group("web")] });
    asMock.on(SetDesiredCapacityCommand).resolves({});
    await cloud().autoScaling.setDesiredCapacity("web", 4);
    assert.deepEqual(asMock.commandCalls(DescribeAutoScalingGroupsCommand)[0]?.args[0].input, {
      AutoScalingGroupNames: ["web"],
    });
    assert.deepEqual(asMock.commandCalls(SetDesiredCapacityCommand)[0]?.args[0].input, {
      AutoScalingGroupName: "web",
      DesiredCapacity: 4,
      HonorCooldown: false,
    });
  });

  it("sends only the limits it was given", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group("web")] });
    asMock.on(UpdateAutoScalingGroupCommand).resolves({});
    await cloud().autoScaling.updateLimits("web", { maxSize: 10 });
    assert.deepEqual(asMock.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input, {
      AutoScalingGroupName: "web",
      MaxSize: 10,
    });
  });

  it("refuses bad numbers before asking AWS", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group("web")] });
    for (const attempt of [
      () => cloud().autoScaling.setDesiredCapacity("web", 2.5),
      () => cloud().autoScaling.updateLimits("web", {}),
      () => cloud().autoScaling.updateLimits("web", { maxSize: -1 }),
      () => cloud().autoScaling.updateLimits("web", { maxSize: 1 }),
      () => cloud().autoScaling.updateLimits("web", { desiredCapacity: 7 }),
    ]) {
      await assert.rejects(
        attempt(),
        (error: unknown) => error instanceof CloudError && error.kind === "invalid_request",
      );
    }
    assert.equal(asMock.commandCalls(SetDesiredCapacityCommand).length, 0);
    assert.equal(asMock.commandCalls(UpdateAutoScalingGroupCommand).length, 0);
  });

  it("takes the instance type from mixed-instances overrides, launch configurations and templates", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        group("mixed", {
          MixedInstancesPolicy: {
            LaunchTemplate: {
              LaunchTemplateSpecification: { LaunchTemplateName: "web", Version: "$Default" },
              Overrides: [{ InstanceType: "r6i.large" }, { InstanceType: "r5.large" }],
            },
          },
        }),
        group("configured", { LaunchConfigurationName: "web-lc" }),
        group("templated", { LaunchTemplate: { LaunchTemplateId: "lt-1", Version: "3" } }),
      ],
    });
    asMock.on(DescribeLaunchConfigurationsCommand).resolves({
      LaunchConfigurations: [
        {
          LaunchConfigurationName: "web-lc",
          InstanceType: "m5.large",
          ImageId: "ami-1",
          CreatedTime: new Date(),
        },
      ],
    });
    ec2Mock
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: "lt-1", Versions: ["3"] })
      .resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: { InstanceType: "c7g.large" } }] });

    const groups = await cloud().autoScaling.describeGroups();
    assert.deepEqual(
      groups.map((g) => [g.name, g.instanceType, g.launchTemplate]),
      [
        ["mixed", "r6i.large", "web"],
        ["configured", "m5.large", null],
        ["templated", "c7g.large", "lt-1"],
      ],
    );
    assert.equal(ec2Mock.commandCalls(DescribeLaunchTemplateVersionsCommand).length, 1, "overrides need no lookup");
  });

  it("falls back to the running instances when the template is gone, and folds lifecycle states", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        group("web", {
          LaunchTemplate: { LaunchTemplateName: "deleted", Version: "$Latest" },
          Instances: [
            {
              InstanceId: "i-1",
              AvailabilityZone: "us-east-1a",
              LifecycleState: "InService",
              HealthStatus: "Healthy",
              InstanceType: "t3.medium",
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: "i-2",
              AvailabilityZone: "us-east-1b",
              LifecycleState: "Pending:Wait",
              HealthStatus: "Healthy",
              InstanceType: "t3.medium",
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: "i-3",
              AvailabilityZone: "us-east-1b",
              LifecycleState: "InService",
              HealthStatus: "Unhealthy",
              InstanceType: "t3.large",
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: "i-4",
              AvailabilityZone: "us-east-1a",
              LifecycleState: "Terminating:Proceed",
              HealthStatus: "Healthy",
              InstanceType: "t3.medium",
              ProtectedFromScaleIn: false,
            },
          ],
        }),
      ],
    });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).rejects(
      new EC2ServiceException({
        name: "InvalidLaunchTemplateName.NotFoundException",
        $fault: "client",
        $metadata: metadata("req-lt"),
        message: "gone",
      }),
    );
    const [web] = await cloud().autoScaling.describeGroups(["web"]);
    assert.equal(web?.instanceType, "t3.medium");
    assert.deepEqual(
      web?.instances.map((i) => [i.instanceId, i.lifecycleState, i.healthStatus]),
      [
        ["i-1", "InService", "Healthy"],
        ["i-2", "Pending", "Healthy"],
        ["i-3", "Unhealthy", "Unhealthy"],
        ["i-4", "Terminating", "Healthy"],
      ],
    );
  });

  it("lets a throttled template lookup fail the describe so the caller retries", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [group("web", { LaunchTemplate: { LaunchTemplateName: "web" } })],
    });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).rejects(
      new EC2ServiceException({
        name: "RequestLimitExceeded",
        $fault: "client",
        $metadata: metadata("req-t"),
        message: "slow",
      }),
    );
    await assert.rejects(
      cloud().autoScaling.describeGroups(),
      (error: unknown) => error instanceof CloudError && error.kind === "throttled" && error.service === "ec2",
    );
  });

  it("puts target tracking on the group's average CWAgent mem_used_percent, exactly", async () => {
    asMock.on(PutScalingPolicyCommand).resolves({ PolicyARN: "arn:policy" });
    await cloud().autoScaling.putMemoryTargetTracking("web", { policyName: "web-memory", targetPercent: 65 });
    assert.deepEqual(asMock.commandCalls(PutScalingPolicyCommand)[0]?.args[0].input, {
      AutoScalingGroupName: "web",
      PolicyName: "web-memory",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingConfiguration: {
        CustomizedMetricSpecification: {
          MetricName: "mem_used_percent",
          Namespace: "CWAgent",
          Dimensions: [{ Name: "AutoScalingGroupName", Value: "web" }],
          Statistic: "Average",
        },
        TargetValue: 65,
      },
    });
    await assert.rejects(
      cloud().autoScaling.putMemoryTargetTracking("web", { policyName: "web-memory", targetPercent: 0 }),
      (error: unknown) => error instanceof CloudError && error.kind === "invalid_request",
    );
    assert.equal(asMock.commandCalls(PutScalingPolicyCommand).length, 1, "an impossible target is not sent");
  });

  it("reads the group's memory policy among its target-tracking policies, and none when there is none", async () => {
    const cpu = {
      AutoScalingGroupName: "web",
      PolicyName: "web-cpu",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: "ASGAverageCPUUtilization" as const },
        TargetValue: 50,
      },
    };
    const memory = {
      AutoScalingGroupName: "web",
      PolicyName: "web-memory",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingConfiguration: {
        CustomizedMetricSpecification: { MetricName: "mem_used_percent", Namespace: "CWAgent" },
        TargetValue: 70,
      },
    };
    asMock
      .on(DescribePoliciesCommand)
      .resolvesOnce({ ScalingPolicies: [cpu, memory] })
      .resolves({ ScalingPolicies: [cpu] });
    assert.deepEqual(await cloud().autoScaling.describeMemoryTargetTracking("web"), {
      policyName: "web-memory",
      targetPercent: 70,
    });
    const input = asMock.commandCalls(DescribePoliciesCommand)[0]?.args[0].input;
    assert.deepEqual([input?.AutoScalingGroupName, input?.PolicyTypes], ["web", ["TargetTrackingScaling"]]);
    assert.equal(await cloud().autoScaling.describeMemoryTargetTracking("web"), null);
  });
});
