import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, EC2Client } from "@aws-sdk/client-ec2";
import { type CloudPort, changeInstanceType, type Resource } from "@fastier/core";
import { storedOperation } from "../../../../test/helpers/driveOperation.ts";
import { motoCloud, motoConfig } from "./motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "./motoServer.ts";

const GROUP = "fastier-workers";

describe("AWS adapter: launch template versions against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let cloud: CloudPort;
  let autoScaling: AutoScalingClient;
  let templateId: string;

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    const ec2 = new EC2Client(motoConfig(moto));
    autoScaling = new AutoScalingClient(motoConfig(moto));
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "fastier-workers",
        LaunchTemplateData: { ImageId: "ami-12c6146b", InstanceType: "t3.medium" },
      }),
    );
    templateId = created.LaunchTemplate?.LaunchTemplateId ?? "";
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: GROUP,
        LaunchTemplate: { LaunchTemplateId: templateId, Version: "1" },
        MinSize: 2,
        MaxSize: 4,
        DesiredCapacity: 2,
        AvailabilityZones: ["us-east-1a", "us-east-1b"],
      }),
    );
    cloud = motoCloud(moto);
  });
  after(() => moto?.stop());

  it("resolves the group's launch template to its version and type", async () => {
    assert.deepEqual(await cloud.autoScaling.describeLaunchTemplate(GROUP), {
      launchTemplateId: templateId,
      launchTemplateName: "fastier-workers",
      version: "1",
      versionNumber: 1,
      instanceType: "t3.medium",
    });
    const [group] = await cloud.autoScaling.describeGroups([GROUP]);
    assert.equal(group?.beanstalkEnvironmentId, null, "a plain group");
  });

  it("creates the operation's version once, even when its step runs twice, and lists it newest first", async () => {
    const target = { id: "r1", environmentId: "e1", kind: "auto_scaling_group", cloudId: GROUP } as unknown as Resource;
    const operation = storedOperation(changeInstanceType, target, { instanceType: "t3.large" }, new Date());
    const first = await changeInstanceType.step({ operation, target, cloud, now: new Date() });
    assert.equal(first.type, "advance");
    // A worker that died before saving the step: the same step runs again.
    const again = await changeInstanceType.step({ operation, target, cloud, now: new Date() });
    assert.equal(again.type === "advance" && again.step, "refresh");
    assert.match(again.type === "advance" ? again.message : "", /version 2 with t3\.large already exists/);
    const versions = await cloud.autoScaling.listLaunchTemplateVersions(templateId);
    assert.deepEqual(
      versions.map((v) => [v.versionNumber, v.instanceType, v.versionDescription]),
      [
        [2, "t3.large", `fastier-control-plane operation ${operation.id}: t3.large`],
        [1, "t3.medium", null],
      ],
    );
    assert.deepEqual(first.type === "advance" && first.state, {
      launchTemplateId: templateId,
      previousVersion: 1,
      newVersion: 2,
    });
  });

  it("sees the group launch the new type once UpdateAutoScalingGroup points it at the version", async () => {
    await autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: GROUP,
        LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" },
      }),
    );
    const template = await cloud.autoScaling.describeLaunchTemplate(GROUP);
    assert.deepEqual([template?.version, template?.versionNumber, template?.instanceType], ["2", 2, "t3.large"]);
    const [group] = await cloud.autoScaling.describeGroups([GROUP]);
    assert.equal(group?.instanceType, "t3.large");
  });

  it("refuses a version of a template that does not exist as not_found", async () => {
    await assert.rejects(
      cloud.autoScaling.createLaunchTemplateVersion({
        launchTemplateId: "lt-0000000000000000f",
        sourceVersion: 1,
        instanceType: "t3.large",
        versionDescription: "x",
      }),
      { kind: "not_found" },
    );
  });
});
