import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ElasticBeanstalkClient,
  ListTagsForResourceCommand,
  UpdateEnvironmentCommand,
} from "@aws-sdk/client-elastic-beanstalk";
import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListHostedZonesCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, mockedCloud } from "./mockedCloud.ts";

// moto has no UpdateEnvironment, DescribeEvents or configuration settings for Beanstalk.
describe("AWS adapter: rolling Beanstalk environments back, and what discovery says of blue/green (aws-sdk-client-mock)", () => {
  const elasticBeanstalk = new ElasticBeanstalkClient(MOCK_CLIENT_CONFIG);
  const elbv2 = new ElasticLoadBalancingV2Client(MOCK_CLIENT_CONFIG);
  const route53 = new Route53Client(MOCK_CLIENT_CONFIG);
  const ebMock = mockClient(elasticBeanstalk);
  const elbMock = mockClient(elbv2);
  const route53Mock = mockClient(route53);
  const inputOf = <T>(calls: { args: [{ input: T }] }[]) => calls.map((call) => call.args[0].input);
  const beanstalkOnly = () => mockedCloud({ elasticBeanstalk, elbv2, route53 });

  beforeEach(() => {
    ebMock.reset();
    elbMock.reset();
    route53Mock.reset();
    ebMock.onAnyCommand().resolves({});
    elbMock.onAnyCommand().resolves({});
    route53Mock.onAnyCommand().resolves({});
  });

  it("deploys a version with UpdateEnvironment VersionLabel", async () => {
    await beanstalkOnly().beanstalk.updateEnvironmentVersion("e-fastierprod", "fastier-web-v40");
    assert.deepEqual(inputOf(ebMock.commandCalls(UpdateEnvironmentCommand)), [
      { EnvironmentId: "e-fastierprod", VersionLabel: "fastier-web-v40" },
    ]);
  });

  it("reads the version history from the environment's events, one entry per change, newest first", async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 12, minute));
    ebMock.on(DescribeEventsCommand).resolves({
      Events: [
        { EventDate: at(50), VersionLabel: "fastier-web-v42", Message: "Environment update completed successfully." },
        { EventDate: at(46), VersionLabel: "fastier-web-v42", Message: "Deploying new version to instance(s)." },
        { EventDate: at(40), Message: "Added instance [i-0abc] to your environment." },
        { EventDate: at(30), VersionLabel: "fastier-web-v41", Message: "Environment update completed successfully." },
        { EventDate: at(10), VersionLabel: "fastier-web-v40", Message: "createEnvironment completed successfully." },
      ],
    });
    const history = await beanstalkOnly().beanstalk.describeVersionHistory("e-fastierprod");
    assert.deepEqual(inputOf(ebMock.commandCalls(DescribeEventsCommand)), [
      { EnvironmentId: "e-fastierprod", MaxRecords: 1000 },
    ]);
    assert.deepEqual(history, [
      { versionLabel: "fastier-web-v42", at: at(46) },
      { versionLabel: "fastier-web-v41", at: at(30) },
      { versionLabel: "fastier-web-v40", at: at(10) },
    ]);
  });

  it("finds an environment's balancer by Beanstalk's environment-name tag, with its target groups", async () => {
    const arn =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/awseb-AWSEB-green/0123456789abcdef";
    elbMock
      .on(DescribeLoadBalancersCommand)
      .resolves({ LoadBalancers: [{ LoadBalancerArn: "arn:other" }, { LoadBalancerArn: arn }] });
    elbMock.on(DescribeTagsCommand).resolves({
      TagDescriptions: [
        { ResourceArn: "arn:other", Tags: [{ Key: "elasticbeanstalk:environment-name", Value: "fastier-prod" }] },
        { ResourceArn: arn, Tags: [{ Key: "elasticbeanstalk:environment-name", Value: "fastier-prod-b" }] },
      ],
    });
    const group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/awseb-green/fedcba9876543210";
    elbMock.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: group }] });
    const found = await beanstalkOnly().loadBalancers.findForEnvironment("fastier-prod-b");
    assert.deepEqual(inputOf(elbMock.commandCalls(DescribeTagsCommand)), [{ ResourceArns: ["arn:other", arn] }]);
    assert.deepEqual(inputOf(elbMock.commandCalls(DescribeTargetGroupsCommand)), [{ LoadBalancerArn: arn }]);
    assert.deepEqual(found, {
      loadBalancerArn: arn,
      loadBalancerDimension: "app/awseb-AWSEB-green/0123456789abcdef",
      targetGroups: [{ arn: group, dimension: "targetgroup/awseb-green/fedcba9876543210" }],
      environmentName: "fastier-prod-b",
    });
  });

  const environments = [
    {
      EnvironmentId: "e-blue",
      EnvironmentName: "fastier-prod",
      ApplicationName: "fastier-web",
      Status: "Ready" as const,
      CNAME: "fastier-prod.us-east-1.elasticbeanstalk.com",
    },
    {
      EnvironmentId: "e-green",
      EnvironmentName: "fastier-prod-b",
      ApplicationName: "fastier-web",
      Status: "Ready" as const,
      CNAME: "fastier-prod-b.us-east-1.elasticbeanstalk.com",
    },
    {
      EnvironmentId: "e-api",
      EnvironmentName: "api-green",
      ApplicationName: "fastier-api",
      Status: "Ready" as const,
      CNAME: "api-green.us-east-1.elasticbeanstalk.com",
    },
  ];
  const live = async () =>
    (await beanstalkOnly().discovery.discover()).resources
      .filter((r) => r.kind === "beanstalk_environment")
      .map((r) => [r.name, r.attributes.holdsLiveCname, r.attributes.beanstalkDatabase]);

  it("discovery: the live environment is the one Route 53 points at; a database Beanstalk created is flagged", async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: environments });
    ebMock.on(ListTagsForResourceCommand).resolves({ ResourceTags: [] });
    ebMock
      .on(DescribeConfigurationSettingsCommand, { ApplicationName: "fastier-web", EnvironmentName: "fastier-prod-b" })
      .resolves({
        ConfigurationSettings: [
          { OptionSettings: [{ Namespace: "aws:rds:dbinstance", OptionName: "HasCoupledDatabase", Value: "true" }] },
        ],
      });
    ebMock
      .on(DescribeConfigurationSettingsCommand, { ApplicationName: "fastier-web", EnvironmentName: "fastier-prod" })
      .resolves({
        ConfigurationSettings: [
          { OptionSettings: [{ Namespace: "aws:rds:dbinstance", OptionName: "HasCoupledDatabase", Value: "false" }] },
        ],
      });
    route53Mock
      .on(ListHostedZonesCommand)
      .resolves({ HostedZones: [{ Id: "/hostedzone/Z1", Name: "fastier.io.", CallerReference: "x" }] });
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: "www.fastier.io.",
          Type: "CNAME",
          TTL: 60,
          ResourceRecords: [{ Value: "Fastier-Prod-B.us-east-1.elasticbeanstalk.com." }],
        },
      ],
    });
    assert.deepEqual(await live(), [
      ["fastier-prod", false, false],
      ["fastier-prod-b", true, true],
      ["api-green", true, false],
    ]);
    assert.deepEqual(inputOf(ebMock.commandCalls(DescribeConfigurationSettingsCommand))[0], {
      ApplicationName: "fastier-web",
      EnvironmentName: "fastier-prod",
    });
    // The DNS records' own lister reads the zone too.
    const reads = inputOf(route53Mock.commandCalls(ListResourceRecordSetsCommand));
    assert.ok(
      reads.length >= 1 && reads.every((input) => JSON.stringify(input) === '{"HostedZoneId":"Z1"}'),
      JSON.stringify(reads),
    );
  });

  it("discovery: without a Route 53 record pointing at one, the environment without a -green/-a/-b suffix is live", async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: environments });
    ebMock.on(DescribeConfigurationSettingsCommand).resolves({
      ConfigurationSettings: [
        { OptionSettings: [{ Namespace: "aws:rds:dbinstance", OptionName: "DBEngine", Value: "postgres" }] },
      ],
    });
    assert.deepEqual(await live(), [
      ["fastier-prod", true, true],
      ["fastier-prod-b", false, true],
      ["api-green", true, true],
    ]);
  });

  it("discovery: a configuration that cannot be read leaves beanstalkDatabase unknown and still lists the environment", async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: environments.slice(0, 1) });
    ebMock.on(DescribeConfigurationSettingsCommand).rejects(new Error("AccessDenied"));
    assert.deepEqual(await live(), [["fastier-prod", true, null]]);
  });
});
