// Builds a small Fastier-like account in moto for the discovery tests: one of each kind the
// inventory knows, plus things discovery must leave out (a bucket in another region).
import { AutoScalingClient, CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CodePipelineClient, CreatePipelineCommand } from "@aws-sdk/client-codepipeline";
import {
  CreateLaunchTemplateCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateApplicationCommand,
  CreateEnvironmentCommand,
  ElasticBeanstalkClient,
} from "@aws-sdk/client-elastic-beanstalk";
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, RDSClient } from "@aws-sdk/client-rds";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { motoConfig } from "./motoClients.ts";
import { createServiceRole } from "./motoIamRole.ts";
import type { MotoServer } from "./motoServer.ts";

export const FASTIER = {
  group: "awseb-e-fastier-prod-AWSEBAutoScalingGroup",
  /** moto leaves Beanstalk environment ids empty, so discovery falls back to the name. */
  environment: "fastier-prod",
  legacyInstanceName: "legacy-web",
  loadBalancer: "awseb-fastier-prod-alb",
  primaryDb: "fastier-db",
  replicaDb: "fastier-db-replica",
  scratchDb: "fastier-scratch",
  pipeline: "fastier-web-pipeline",
  bucket: "fastier-static-assets",
  foreignBucket: "fastier-logs-eu",
  zone: "fastier.io",
  tags: { app: "fastier-web", env: "production" },
};

const tagList = (extra: Record<string, string> = {}) =>
  Object.entries({ ...FASTIER.tags, ...extra }).map(([Key, Value]) => ({ Key, Value }));

export interface FastierFixture {
  loadBalancerArn: string;
  loadBalancerDnsName: string;
  zoneId: string;
  legacyInstanceId: string;
}

export async function createFastierInMoto(moto: MotoServer): Promise<FastierFixture> {
  const config = motoConfig(moto);
  const ec2 = new EC2Client(config);
  const beanstalkTag = { "elasticbeanstalk:environment-id": FASTIER.environment };

  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "fastier-web",
      LaunchTemplateData: { ImageId: "ami-12c6146b", InstanceType: "t3.medium" },
    }),
  );
  await new AutoScalingClient(config).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: FASTIER.group,
      LaunchTemplate: { LaunchTemplateName: "fastier-web", Version: "$Default" },
      MinSize: 2,
      MaxSize: 6,
      DesiredCapacity: 2,
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
      Tags: tagList(beanstalkTag).map((tag) => ({ ...tag, PropagateAtLaunch: true })),
    }),
  );
  const legacy = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-12c6146b",
      InstanceType: "t3.medium",
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: FASTIER.legacyInstanceName }] }],
    }),
  );

  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const subnetIn = (zone: string) => subnets.find((s) => s.AvailabilityZone === zone)?.SubnetId ?? "";
  const balancer = await new ElasticLoadBalancingV2Client(config).send(
    new CreateLoadBalancerCommand({
      Name: FASTIER.loadBalancer,
      Subnets: [subnetIn("us-east-1a"), subnetIn("us-east-1b")],
      Type: "application",
      Tags: tagList(beanstalkTag),
    }),
  );

  const rds = new RDSClient(config);
  for (const [identifier, retention] of [
    [FASTIER.primaryDb, 7],
    [FASTIER.scratchDb, 0],
  ] as const) {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: identifier,
        Engine: "postgres",
        EngineVersion: "16.4",
        DBInstanceClass: "db.t3.medium",
        AllocatedStorage: 20,
        MasterUsername: "fastier",
        MasterUserPassword: "not-a-real-secret",
        BackupRetentionPeriod: retention,
        Tags: tagList(),
      }),
    );
  }
  await rds.send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: FASTIER.replicaDb,
      SourceDBInstanceIdentifier: FASTIER.primaryDb,
    }),
  );

  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: FASTIER.bucket }));
  await s3.send(new PutBucketTaggingCommand({ Bucket: FASTIER.bucket, Tagging: { TagSet: tagList() } }));
  await s3.send(
    new CreateBucketCommand({
      Bucket: FASTIER.foreignBucket,
      CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
    }),
  );

  const route53 = new Route53Client(config);
  const zone = await route53.send(new CreateHostedZoneCommand({ Name: FASTIER.zone, CallerReference: "fastier-zone" }));
  const zoneId = (zone.HostedZone?.Id ?? "").replace("/hostedzone/", "");
  const loadBalancerDnsName = balancer.LoadBalancers?.[0]?.DNSName ?? "";
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: `app.${FASTIER.zone}`,
              Type: "A",
              AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: loadBalancerDnsName, EvaluateTargetHealth: true },
            },
          },
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: `www.${FASTIER.zone}`,
              Type: "CNAME",
              SetIdentifier: "primary",
              Failover: "PRIMARY",
              TTL: 60,
              ResourceRecords: [{ Value: `app.${FASTIER.zone}` }],
            },
          },
        ],
      },
    }),
  );

  const beanstalk = new ElasticBeanstalkClient(config);
  await beanstalk.send(new CreateApplicationCommand({ ApplicationName: "fastier-web" }));
  await beanstalk.send(
    new CreateEnvironmentCommand({
      ApplicationName: "fastier-web",
      EnvironmentName: FASTIER.environment,
      SolutionStackName: "64bit Amazon Linux 2023 v4.3.0 running Python 3.11",
      Tags: tagList(),
    }),
  );

  const roleArn = await createServiceRole(moto, "fastier-codepipeline", "codepipeline.amazonaws.com");
  await new CodePipelineClient(config).send(
    new CreatePipelineCommand({
      pipeline: {
        name: FASTIER.pipeline,
        roleArn,
        artifactStore: { type: "S3", location: "fastier-artifacts" },
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "GitHub",
                actionTypeId: { category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1" },
                outputArtifacts: [{ name: "source" }],
                configuration: { FullRepositoryId: "fastier/web", BranchName: "main", ConnectionArn: "arn:aws:x" },
              },
            ],
          },
          {
            name: "Deploy",
            actions: [
              {
                name: "Beanstalk",
                actionTypeId: { category: "Deploy", owner: "AWS", provider: "ElasticBeanstalk", version: "1" },
                inputArtifacts: [{ name: "source" }],
                configuration: { ApplicationName: "fastier-web", EnvironmentName: FASTIER.environment },
              },
            ],
          },
        ],
      },
      tags: Object.entries(FASTIER.tags).map(([key, value]) => ({ key, value })),
    }),
  );

  return {
    loadBalancerArn: balancer.LoadBalancers?.[0]?.LoadBalancerArn ?? "",
    loadBalancerDnsName,
    zoneId,
    legacyInstanceId: legacy.Instances?.[0]?.InstanceId ?? "",
  };
}
