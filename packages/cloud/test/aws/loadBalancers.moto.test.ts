import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient, GetPipelineCommand, type PipelineDeclaration } from "@aws-sdk/client-codepipeline";
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateApplicationCommand,
  CreateEnvironmentCommand,
  ElasticBeanstalkClient,
} from "@aws-sdk/client-elastic-beanstalk";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { type CloudPort, gateBalancerOf, isCloudError, readGateSignals } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG } from "./mockedCloud.ts";
import { motoCloud, motoConfig } from "./motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "./motoServer.ts";

const ENVIRONMENT = "fastier-prod";
const PIPELINE = "fastier-web-pipeline";
const MINUTE = 60_000;

const PIPELINE_DECLARATION: PipelineDeclaration = {
  name: PIPELINE,
  roleArn: "arn:aws:iam::123456789012:role/fastier-codepipeline",
  artifactStore: { type: "S3", location: "fastier-artifacts" },
  stages: [
    {
      name: "Source",
      actions: [
        {
          name: "GitHub",
          actionTypeId: { category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1" },
          configuration: { FullRepositoryId: "fastier/web", BranchName: "main" },
        },
      ],
    },
    {
      name: "Deploy",
      actions: [
        {
          name: "Beanstalk",
          actionTypeId: { category: "Deploy", owner: "AWS", provider: "ElasticBeanstalk", version: "1" },
          configuration: { ApplicationName: "fastier-web", EnvironmentName: ENVIRONMENT },
        },
      ],
    },
  ],
};

describe("AWS adapter: the load balancer behind a pipeline, its targets and its metrics, against moto", {
  skip: motoSkip,
}, () => {
  let moto: MotoServer;
  let cloud: CloudPort;
  const pipelineClient = new CodePipelineClient(MOCK_CLIENT_CONFIG);
  const pipelineMock = mockClient(pipelineClient);
  let loadBalancerArn = "";
  let targetGroupArn = "";
  let instanceIds: string[] = [];
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    const config = motoConfig(moto);
    const ec2 = new EC2Client(config);
    const elbv2 = new ElasticLoadBalancingV2Client(config);
    const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    const subnetIn = (zone: string) => subnets.find((s) => s.AvailabilityZone === zone)?.SubnetId ?? "";
    const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId ?? "";
    const balancer = await elbv2.send(
      new CreateLoadBalancerCommand({
        Name: "awseb-fastier-prod-alb",
        Subnets: [subnetIn("us-east-1a"), subnetIn("us-east-1b")],
        Type: "application",
        Tags: [{ Key: "elasticbeanstalk:environment-name", Value: ENVIRONMENT }],
      }),
    );
    // Another balancer, of another environment, that the lookup must pass over.
    await elbv2.send(
      new CreateLoadBalancerCommand({
        Name: "awseb-fastier-staging-alb",
        Subnets: [subnetIn("us-east-1a"), subnetIn("us-east-1b")],
        Type: "application",
        Tags: [{ Key: "elasticbeanstalk:environment-name", Value: "fastier-staging" }],
      }),
    );
    loadBalancerArn = balancer.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
    const group = await elbv2.send(
      new CreateTargetGroupCommand({ Name: "awseb-fastier-prod-tg", Protocol: "HTTP", Port: 80, VpcId: vpcId }),
    );
    targetGroupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? "";
    // moto lists a target group under a balancer once a listener forwards to it.
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
      }),
    );
    const instances = await ec2.send(
      new RunInstancesCommand({ ImageId: "ami-12c6146b", InstanceType: "t3.medium", MinCount: 2, MaxCount: 2 }),
    );
    instanceIds = (instances.Instances ?? []).map((i) => i.InstanceId ?? "");
    await elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: targetGroupArn,
        Targets: instanceIds.map((Id) => ({ Id, Port: 80 })),
      }),
    );

    const beanstalk = new ElasticBeanstalkClient(config);
    await beanstalk.send(new CreateApplicationCommand({ ApplicationName: "fastier-web" }));
    await beanstalk.send(
      new CreateEnvironmentCommand({
        ApplicationName: "fastier-web",
        EnvironmentName: ENVIRONMENT,
        SolutionStackName: "64bit Amazon Linux 2023 v4.3.0 running Python 3.11",
      }),
    );
    // The balancer's last five minutes, as CloudWatch would hold them: 1,000 requests a minute, 30 of them 5xx.
    const dimensions = [{ Name: "LoadBalancer", Value: loadBalancerArn.split(":loadbalancer/")[1] ?? "" }];
    const minutes = [1, 2, 3, 4, 5].map((ago) => new Date(now.getTime() - ago * MINUTE));
    await new CloudWatchClient(config).send(
      new PutMetricDataCommand({
        Namespace: "AWS/ApplicationELB",
        MetricData: minutes.flatMap((Timestamp) => [
          { MetricName: "RequestCount", Dimensions: dimensions, Timestamp, Value: 1000, Unit: "Count" },
          { MetricName: "HTTPCode_Target_5XX_Count", Dimensions: dimensions, Timestamp, Value: 30, Unit: "Count" },
          { MetricName: "TargetResponseTime", Dimensions: dimensions, Timestamp, Value: 0.25, Unit: "Seconds" },
        ]),
      }),
    );
    // moto stores pipelines but answers GetPipeline in a shape the SDK cannot read: CodePipeline is mocked.
    pipelineMock.on(GetPipelineCommand, { name: PIPELINE }).resolves({ pipeline: PIPELINE_DECLARATION });
    cloud = motoCloud(moto, { codePipeline: pipelineClient });
  });
  after(() => moto?.stop());

  it("finds the balancer Beanstalk tagged for the environment the pipeline deploys to, with its target group", async () => {
    const found = await cloud.loadBalancers.findForPipeline(PIPELINE);
    assert.equal(found?.loadBalancerArn, loadBalancerArn);
    assert.match(found?.loadBalancerDimension ?? "", /^app\/awseb-fastier-prod-alb\/[0-9a-f]+$/);
    assert.deepEqual(
      found?.targetGroups.map((g) => g.arn),
      [targetGroupArn],
    );
    assert.match(found?.targetGroups[0]?.dimension ?? "", /^targetgroup\/awseb-fastier-prod-tg\/[0-9a-f]+$/);
    assert.equal(found?.environmentName, ENVIRONMENT);
    assert.deepEqual(pipelineMock.commandCalls(GetPipelineCommand)[0]?.args[0].input, { name: PIPELINE });
  });

  it("finds none for a pipeline that deploys no Beanstalk environment", async () => {
    pipelineMock.on(GetPipelineCommand, { name: "fastier-docs" }).resolves({
      pipeline: { ...PIPELINE_DECLARATION, name: "fastier-docs", stages: PIPELINE_DECLARATION.stages?.slice(0, 1) },
    });
    assert.equal(await cloud.loadBalancers.findForPipeline("fastier-docs"), null);
  });

  it("describes each registered target's health (DescribeTargetHealth)", async () => {
    const targets = await cloud.loadBalancers.describeTargetHealth(targetGroupArn);
    assert.deepEqual(targets.map((t) => t.targetId).sort(), [...instanceIds].sort());
    for (const target of targets) assert.equal(typeof target.state, "string");
  });

  it("refuses an unknown target group as not_found", async () => {
    await assert.rejects(
      cloud.loadBalancers.describeTargetHealth(targetGroupArn.replace(/[0-9a-f]{6}$/, "000000")),
      (error) => isCloudError(error) && error.kind === "not_found",
    );
  });

  it("reads Beanstalk's colour for the environment", async () => {
    const health = await cloud.loadBalancers.environmentHealth(ENVIRONMENT);
    assert.ok(["Green", "Yellow", "Red", "Grey"].includes(health ?? ""), `a Beanstalk colour: ${health}`);
  });

  it("reads the gate's signals from CloudWatch: the 5xx ratio and latency over the window", async () => {
    const found = await cloud.loadBalancers.findForPipeline(PIPELINE);
    assert.ok(found);
    const reading = await readGateSignals(cloud, gateBalancerOf(found), now, 10);
    assert.equal(reading.requests, 5000);
    assert.equal(reading.errors5xx, 150);
    assert.equal(reading.ratio5xx, 0.03);
    assert.equal(reading.latencyMs, 250);
    assert.equal(reading.unhealthyTargets + reading.healthyTargets <= instanceIds.length, true);
  });
});
