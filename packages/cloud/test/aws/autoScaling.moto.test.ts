import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribePoliciesCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CloudError, type CloudPort, putMemoryScalingPolicy, type Resource } from "@fastier/core";
import { driveOperation } from "../../../../test/helpers/driveOperation.ts";
import { createManualClock } from "../../src/index.ts";
import { motoCloud, motoConfig } from "./motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "./motoServer.ts";

const GROUP = "awseb-e-fastier-prod-AWSEBAutoScalingGroup";

describe("AWS adapter: Auto Scaling against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let cloud: CloudPort;

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    const ec2 = new EC2Client(motoConfig(moto));
    const autoScaling = new AutoScalingClient(motoConfig(moto));
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "fastier-web",
        LaunchTemplateData: { ImageId: "ami-12c6146b", InstanceType: "t3.medium" },
      }),
    );
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: GROUP,
        LaunchTemplate: { LaunchTemplateName: "fastier-web", Version: "$Latest" },
        MinSize: 2,
        MaxSize: 4,
        DesiredCapacity: 2,
        AvailabilityZones: ["us-east-1a", "us-east-1b"],
        Tags: [{ Key: "app", Value: "fastier-web", PropagateAtLaunch: true }],
      }),
    );
    // The template moves on after the instances launched: the group now launches r6i.large,
    // which only the launch template (not the running instances) can tell.
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: "fastier-web",
        LaunchTemplateData: { ImageId: "ami-12c6146b", InstanceType: "r6i.large" },
      }),
    );
    cloud = motoCloud(moto);
  });
  after(() => moto?.stop());

  it("describes the group with its limits, zones, launch template, instance type and instances", async () => {
    const [group, ...others] = await cloud.autoScaling.describeGroups();
    assert.equal(others.length, 0);
    assert.ok(group);
    assert.equal(group.name, GROUP);
    assert.match(group.arn ?? "", /^arn:aws:autoscaling:us-east-1:\d{12}:autoScalingGroup:/);
    assert.deepEqual([group.minSize, group.maxSize, group.desiredCapacity], [2, 4, 2]);
    assert.deepEqual([...group.availabilityZones].sort(), ["us-east-1a", "us-east-1b"]);
    assert.equal(group.launchTemplate, "fastier-web");
    assert.equal(group.instanceType, "r6i.large");
    assert.deepEqual(group.tags, { app: "fastier-web" });
    assert.ok(group.createdAt instanceof Date);
    assert.equal(group.instances.length, 2);
    for (const instance of group.instances) {
      assert.match(instance.instanceId, /^i-[0-9a-f]+$/);
      assert.ok(["us-east-1a", "us-east-1b"].includes(instance.availabilityZone));
      assert.equal(instance.lifecycleState, "InService");
      assert.equal(instance.healthStatus, "Healthy");
      assert.equal(instance.instanceType, "t3.medium");
    }
  });

  it("describes only the named groups and reports a missing one as not_found", async () => {
    const named = await cloud.autoScaling.describeGroups([GROUP]);
    assert.deepEqual(
      named.map((g) => g.name),
      [GROUP],
    );
    await assert.rejects(cloud.autoScaling.describeGroups([GROUP, "no-such-group"]), (error: unknown) => {
      assert.ok(error instanceof CloudError);
      assert.equal(error.kind, "not_found");
      assert.match(error.message, /no-such-group/);
      return true;
    });
  });

  it("sets the desired capacity", async () => {
    await cloud.autoScaling.setDesiredCapacity(GROUP, 3);
    const [group] = await cloud.autoScaling.describeGroups([GROUP]);
    assert.equal(group?.desiredCapacity, 3);
    assert.equal(group?.instances.length, 3);
  });

  it("updates the limits", async () => {
    await cloud.autoScaling.updateLimits(GROUP, { minSize: 1, maxSize: 6 });
    const [group] = await cloud.autoScaling.describeGroups([GROUP]);
    assert.deepEqual([group?.minSize, group?.maxSize, group?.desiredCapacity], [1, 6, 3]);
  });

  it("refuses a desired capacity outside the limits as invalid_request and leaves the group alone", async () => {
    for (const desired of [7, 0]) {
      await assert.rejects(cloud.autoScaling.setDesiredCapacity(GROUP, desired), (error: unknown) => {
        assert.ok(error instanceof CloudError);
        assert.equal(error.kind, "invalid_request");
        assert.equal(error.retryable, false);
        assert.match(error.message, /min 1, max 6/);
        return true;
      });
    }
    const [group] = await cloud.autoScaling.describeGroups([GROUP]);
    assert.equal(group?.desiredCapacity, 3);
  });

  it("refuses limits where min is above max", async () => {
    await assert.rejects(
      cloud.autoScaling.updateLimits(GROUP, { minSize: 5, maxSize: 3 }),
      (error: unknown) => error instanceof CloudError && error.kind === "invalid_request",
    );
    const [group] = await cloud.autoScaling.describeGroups([GROUP]);
    assert.deepEqual([group?.minSize, group?.maxSize], [1, 6]);
  });

  it("reports an unknown group as not_found when scaling it", async () => {
    const isNotFound = (error: unknown) =>
      error instanceof CloudError && error.kind === "not_found" && error.service === "autoscaling";
    await assert.rejects(cloud.autoScaling.setDesiredCapacity("no-such-group", 1), isNotFound);
    await assert.rejects(cloud.autoScaling.updateLimits("no-such-group", { maxSize: 3 }), isNotFound);
  });

  it("put_memory_scaling_policy puts target tracking on CWAgent mem_used_percent that moto lists and discovery recognises", async () => {
    const target = { id: "r-group", environmentId: "e1", kind: "auto_scaling_group", cloudId: GROUP, attributes: {} };
    const clock = createManualClock(new Date());
    const result = await driveOperation(
      putMemoryScalingPolicy,
      target as unknown as Resource,
      { targetPercent: 70 },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));

    const { ScalingPolicies: policies = [] } = await new AutoScalingClient(motoConfig(moto)).send(
      new DescribePoliciesCommand({ AutoScalingGroupName: GROUP }),
    );
    assert.equal(policies.length, 1);
    const [policy] = policies;
    assert.equal(policy?.PolicyName, `${GROUP}-memory-target-tracking`);
    assert.equal(policy?.PolicyType, "TargetTrackingScaling");
    assert.equal(policy?.TargetTrackingConfiguration?.TargetValue, 70);
    const metric = policy?.TargetTrackingConfiguration?.CustomizedMetricSpecification;
    assert.deepEqual(
      [metric?.Namespace, metric?.MetricName, metric?.Statistic, metric?.Dimensions],
      ["CWAgent", "mem_used_percent", "Average", [{ Name: "AutoScalingGroupName", Value: GROUP }]],
    );
    assert.deepEqual(await cloud.autoScaling.describeMemoryTargetTracking(GROUP), {
      policyName: `${GROUP}-memory-target-tracking`,
      targetPercent: 70,
    });
    const discovered = (await cloud.discovery.discover()).resources.find((r) => r.kind === "auto_scaling_group");
    assert.equal(discovered?.attributes.memoryTargetTracking, true);

    // Again at the same target: nothing to put, still one policy.
    const again = await driveOperation(
      putMemoryScalingPolicy,
      target as unknown as Resource,
      { targetPercent: 70 },
      cloud,
      clock,
    );
    assert.equal(again.final.type, "succeeded");
    const listed = await new AutoScalingClient(motoConfig(moto)).send(
      new DescribePoliciesCommand({ AutoScalingGroupName: GROUP }),
    );
    assert.equal(listed.ScalingPolicies?.length, 1);
  });
});
