import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AutoScalingClient, DescribeAutoScalingInstancesCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  CodePipelineClient,
  GetPipelineCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand as ListPipelineTagsCommand,
} from "@aws-sdk/client-codepipeline";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
  ListTagsForResourceCommand as ListEnvironmentTagsCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { ListHostedZonesCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import type { DiscoveredResource, DiscoveryResult } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import type { AwsClients } from "../../src/aws/index.ts";
import { MOCK_CLIENT_CONFIG, mockedCloud } from "./mockedCloud.ts";

const rds = new RDSClient(MOCK_CLIENT_CONFIG);
const clients: AwsClients = {
  autoScaling: new AutoScalingClient(MOCK_CLIENT_CONFIG),
  rds,
  cloudWatch: new CloudWatchClient(MOCK_CLIENT_CONFIG),
  codePipeline: new CodePipelineClient(MOCK_CLIENT_CONFIG),
  ec2: new EC2Client(MOCK_CLIENT_CONFIG),
  elbv2: new ElasticLoadBalancingV2Client(MOCK_CLIENT_CONFIG),
  elasticBeanstalk: new ElasticBeanstalkClient(MOCK_CLIENT_CONFIG),
  s3: new S3Client(MOCK_CLIENT_CONFIG),
  route53: new Route53Client(MOCK_CLIENT_CONFIG),
  rdsIn: () => rds,
};
const mocks = {
  autoScaling: mockClient(clients.autoScaling),
  rds: mockClient(clients.rds),
  cloudWatch: mockClient(clients.cloudWatch),
  codePipeline: mockClient(clients.codePipeline),
  ec2: mockClient(clients.ec2),
  elbv2: mockClient(clients.elbv2),
  elasticBeanstalk: mockClient(clients.elasticBeanstalk),
  s3: mockClient(clients.s3),
  route53: mockClient(clients.route53),
};

const ofKind = (result: DiscoveryResult, kind: DiscoveredResource["kind"]) =>
  result.resources.filter((r) => r.kind === kind);

describe("AWS adapter: discovery of what moto cannot serve (aws-sdk-client-mock)", () => {
  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
    // Every service answers "nothing here" unless a test says otherwise. (One call per mock:
    // the stubs' types differ, so a loop over them does not type-check.)
    mocks.autoScaling.onAnyCommand().resolves({});
    mocks.rds.onAnyCommand().resolves({});
    mocks.cloudWatch.onAnyCommand().resolves({});
    mocks.codePipeline.onAnyCommand().resolves({});
    mocks.ec2.onAnyCommand().resolves({});
    mocks.elbv2.onAnyCommand().resolves({});
    mocks.elasticBeanstalk.onAnyCommand().resolves({});
    mocks.s3.onAnyCommand().resolves({});
    mocks.route53.onAnyCommand().resolves({});
  });

  it("lists pipelines page by page with their stages and tags", async () => {
    mocks.codePipeline
      .on(ListPipelinesCommand)
      .resolvesOnce({ pipelines: [{ name: "web" }], nextToken: "more" })
      .resolvesOnce({ pipelines: [{ name: "worker" }] });
    for (const name of ["web", "worker"]) {
      mocks.codePipeline.on(GetPipelineCommand, { name }).resolves({
        pipeline: {
          name,
          roleArn: "arn:role",
          pipelineType: "V2",
          stages: [
            {
              name: "Source",
              actions: [
                {
                  name: "GitHub",
                  actionTypeId: {
                    category: "Source",
                    owner: "AWS",
                    provider: "CodeStarSourceConnection",
                    version: "1",
                  },
                },
              ],
            },
            {
              name: "Deploy",
              actions: [
                {
                  name: "Beanstalk",
                  actionTypeId: { category: "Deploy", owner: "AWS", provider: "ElasticBeanstalk", version: "1" },
                  configuration: { ApplicationName: "web", EnvironmentName: "web-prod" },
                },
              ],
            },
          ],
        },
        metadata: { pipelineArn: `arn:aws:codepipeline:us-east-1:123456789012:${name}` },
      });
    }
    mocks.codePipeline
      .on(ListPipelineTagsCommand, { resourceArn: "arn:aws:codepipeline:us-east-1:123456789012:web" })
      .resolves({ tags: [{ key: "app", value: "fastier-web" }] });

    const result = await mockedCloud(clients).discovery.discover();
    assert.deepEqual(result.failures, []);
    const pipelines = ofKind(result, "pipeline");
    assert.deepEqual(
      pipelines.map((p) => [p.cloudId, p.pipeline?.stages, p.tags]),
      [
        ["web", ["Source", "Deploy"], { app: "fastier-web" }],
        ["worker", ["Source", "Deploy"], {}],
      ],
    );
    assert.deepEqual(pipelines[0]?.attributes, {
      arn: "arn:aws:codepipeline:us-east-1:123456789012:web",
      pipelineType: "V2",
      executionMode: null,
      sourceProviders: ["CodeStarSourceConnection"],
      deployProviders: ["ElasticBeanstalk"],
      deployEnvironment: "web-prod",
    });
  });

  it("pages through a zone's records by name, type and set identifier, and decodes escaped names", async () => {
    mocks.route53.on(ListHostedZonesCommand).resolves({
      HostedZones: [{ Id: "/hostedzone/Z0FASTIER", Name: "fastier.io.", CallerReference: "x" }],
      IsTruncated: false,
      MaxItems: 100,
    });
    const inputs: unknown[] = [];
    const pages = [
      {
        ResourceRecordSets: [
          { Name: "\\052.fastier.io.", Type: "A" as const, TTL: 60, ResourceRecords: [{ Value: "1.2.3.4" }] },
        ],
        IsTruncated: true,
        NextRecordName: "www.fastier.io.",
        NextRecordType: "CNAME" as const,
        NextRecordIdentifier: "secondary",
        MaxItems: 1,
      },
      {
        ResourceRecordSets: [
          {
            Name: "www.fastier.io.",
            Type: "CNAME" as const,
            SetIdentifier: "secondary",
            Failover: "SECONDARY" as const,
            TTL: 60,
            ResourceRecords: [{ Value: "dr.fastier.io" }],
          },
        ],
        IsTruncated: false,
        MaxItems: 1,
      },
    ];
    mocks.route53.on(ListResourceRecordSetsCommand).callsFake((input: object) => {
      inputs.push({ ...input });
      return pages[inputs.length - 1];
    });

    const result = await mockedCloud(clients).discovery.discover();
    assert.deepEqual(inputs, [
      { HostedZoneId: "Z0FASTIER" },
      {
        HostedZoneId: "Z0FASTIER",
        StartRecordName: "www.fastier.io.",
        StartRecordType: "CNAME",
        StartRecordIdentifier: "secondary",
      },
    ]);
    assert.deepEqual(
      ofKind(result, "dns_record").map((r) => [r.cloudId, r.name, r.attributes.failover]),
      [
        ["Z0FASTIER/\\052.fastier.io./A", "*.fastier.io", null],
        ["Z0FASTIER/www.fastier.io./CNAME/secondary", "www.fastier.io", "SECONDARY"],
      ],
    );
  });

  it("maps Beanstalk status and health, skips terminated environments and keys them by id", async () => {
    mocks.elasticBeanstalk.on(DescribeEnvironmentsCommand).resolves({
      Environments: [
        {
          EnvironmentId: "e-ok",
          EnvironmentName: "prod",
          Status: "Ready",
          Health: "Green",
          EnvironmentArn: "arn:prod",
        },
        { EnvironmentId: "e-warn", EnvironmentName: "staging", Status: "Ready", Health: "Yellow" },
        { EnvironmentId: "e-red", EnvironmentName: "broken", Status: "Ready", Health: "Red" },
        { EnvironmentId: "e-new", EnvironmentName: "new", Status: "Launching", Health: "Grey" },
        { EnvironmentId: "e-busy", EnvironmentName: "deploying", Status: "Updating", Health: "Green" },
        { EnvironmentId: "e-old", EnvironmentName: "old", Status: "Terminated", Health: "Grey" },
      ],
    });
    mocks.elasticBeanstalk
      .on(ListEnvironmentTagsCommand, { ResourceArn: "arn:prod" })
      .resolves({ ResourceTags: [{ Key: "env", Value: "production" }] });
    const result = await mockedCloud(clients).discovery.discover();
    assert.deepEqual(
      ofKind(result, "beanstalk_environment").map((e) => [e.cloudId, e.status, e.tags]),
      [
        ["e-ok", "active", { env: "production" }],
        ["e-warn", "degraded", {}],
        ["e-red", "failed", {}],
        ["e-new", "pending", {}],
        ["e-busy", "modifying", {}],
      ],
    );
  });

  it("takes instance status from Auto Scaling membership when there is one", async () => {
    mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: "i-1",
              State: { Name: "running" },
              Tags: [{ Key: "aws:autoscaling:groupName", Value: "web" }],
            },
            { InstanceId: "i-2", State: { Name: "running" } },
            { InstanceId: "i-3", State: { Name: "stopped" } },
            { InstanceId: "i-4", State: { Name: "pending" } },
          ],
        },
      ],
    });
    mocks.autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({
      AutoScalingInstances: [
        {
          InstanceId: "i-1",
          AutoScalingGroupName: "web",
          AvailabilityZone: "us-east-1a",
          LifecycleState: "InService",
          HealthStatus: "UNHEALTHY",
          ProtectedFromScaleIn: false,
        },
      ],
    });
    const result = await mockedCloud(clients).discovery.discover();
    assert.deepEqual(
      ofKind(result, "instance").map((i) => [i.cloudId, i.status, i.parentCloudId]),
      [
        ["i-1", "degraded", "web"],
        ["i-2", "active", null],
        ["i-3", "degraded", null],
        ["i-4", "pending", null],
      ],
    );
    assert.deepEqual(mocks.ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters, [
      { Name: "instance-state-name", Values: ["pending", "running", "shutting-down", "stopping", "stopped"] },
    ]);
  });
});
