import { Aspects, Aws, CfnOutput, Stack, type StackProps, Tags } from "aws-cdk-lib";
import { InstanceType, Port, type Vpc } from "aws-cdk-lib/aws-ec2";
import { HostedZone } from "aws-cdk-lib/aws-route53";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import { FunctionLogRetention } from "./logRetention.ts";
import { BeanstalkEnvironment, type DeploymentPolicy } from "./platform/beanstalkEnvironment.ts";
import { memoryEbextensionBase64 } from "./platform/memoryEbextension.ts";
import { PlatformDatabase } from "./platform/platformDatabase.ts";
import { StaticAssets } from "./platform/staticAssets.ts";
import { WebDns } from "./platform/webDns.ts";
import { WebPipeline, type WebSource } from "./platform/webPipeline.ts";
import { threeTierVpc } from "./threeTierVpc.ts";

/** Names the control plane's seed and IAM scope expect (packages/core fastierProduction.ts, adapterPolicies.ts). */
export const FASTIER_PLATFORM_NAMES = {
  application: "fastier-web",
  environment: "fastier-prod",
  primaryDb: "fastier-db",
  replicaDb: "fastier-db-replica",
  pipeline: "fastier-web-pipeline",
  tags: { app: "fastier-web", env: "production" },
} as const;

export interface FastierPlatformStackProps extends StackProps {
  /** The public hosted zone the app's name lives in. */
  hostedZone: { hostedZoneId: string; zoneName: string };
  /** Name inside the zone; default "app". */
  recordName?: string;
  /** Default "64bit Amazon Linux 2023 v4.9.0 running Python 3.12": check the current one with `aws elasticbeanstalk list-available-solution-stacks`. */
  solutionStackName?: string;
  /** Python of the CodeBuild image, matching the platform; default "3.12". */
  pythonVersion?: string;
  /** Default "t3.medium" (Beanstalk accepts a comma-separated list). */
  instanceTypes?: string;
  minInstances?: number;
  maxInstances?: number;
  /** Default "/healthz". */
  healthCheckPath?: string;
  /** Default "RollingWithAdditionalBatch". */
  deploymentPolicy?: DeploymentPolicy;
  /** Default `fastier-prod-<account id>` (must be unique in the region). */
  cnamePrefix?: string;
  /** ACM certificate (same region) for HTTPS on the load balancer and the health check. */
  certificateArn?: string;
  /** Default: a zip in a new versioned bucket, `fastier-web/source.zip`. */
  source?: WebSource;
  /** Default db.t4g.large. */
  databaseInstanceType?: string;
  /** Default 14 (at least 7). */
  backupRetentionDays?: number;
  /** Target tracking keeps average memory here; default 65. */
  targetMemoryPercent?: number;
  /** Memory alarm level; default 85 (the control plane's MEMORY_WARNING_PERCENT). */
  alarmMemoryPercent?: number;
  alarmEmail?: string;
  /** NAT gateways; default 2 (one per AZ, so losing an AZ does not cut the other's egress). */
  natGateways?: number;
}

/**
 * Fastier's production architecture (DESIGN §1): Elastic Beanstalk (Python) on an Auto Scaling
 * group across two AZs behind an ALB, RDS PostgreSQL Multi-AZ with a read replica, static assets
 * in S3 behind CloudFront, CodePipeline, Route 53 with a health check, CloudWatch memory metrics,
 * alarms and memory target tracking.
 */
export class FastierPlatformStack extends Stack {
  readonly vpc: Vpc;
  readonly database: PlatformDatabase;
  readonly web: BeanstalkEnvironment;
  readonly assets: StaticAssets;
  readonly pipeline: WebPipeline;
  readonly dns: WebDns;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: FastierPlatformStackProps) {
    super(scope, id, props);
    Aspects.of(this).add(new FunctionLogRetention());
    for (const [key, value] of Object.entries(FASTIER_PLATFORM_NAMES.tags)) Tags.of(this).add(key, value);
    const healthCheckPath = props.healthCheckPath ?? "/healthz";

    this.vpc = threeTierVpc(this, { computeName: "web", natGateways: props.natGateways ?? 2 });

    this.alarmTopic = new Topic(this, "AlarmTopic", { displayName: "Fastier platform alarms" });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.database = new PlatformDatabase(this, "Database", {
      vpc: this.vpc,
      primaryIdentifier: FASTIER_PLATFORM_NAMES.primaryDb,
      replicaIdentifier: FASTIER_PLATFORM_NAMES.replicaDb,
      instanceType: new InstanceType(props.databaseInstanceType ?? "t4g.large"),
      backupRetentionDays: props.backupRetentionDays ?? 14,
      alarmTopic: this.alarmTopic,
    });
    const databaseSecret = this.database.primary.secret;
    if (!databaseSecret) throw new Error("the database has no generated secret");

    this.assets = new StaticAssets(this, "StaticAssets");

    this.web = new BeanstalkEnvironment(this, "Web", {
      vpc: this.vpc,
      applicationName: FASTIER_PLATFORM_NAMES.application,
      environmentName: FASTIER_PLATFORM_NAMES.environment,
      cnamePrefix: props.cnamePrefix ?? `${FASTIER_PLATFORM_NAMES.environment}-${Aws.ACCOUNT_ID}`,
      solutionStackName: props.solutionStackName ?? "64bit Amazon Linux 2023 v4.9.0 running Python 3.12",
      instanceTypes: props.instanceTypes ?? "t3.medium",
      minInstances: props.minInstances ?? 2,
      maxInstances: props.maxInstances ?? 6,
      healthCheckPath,
      deploymentPolicy: props.deploymentPolicy ?? "RollingWithAdditionalBatch",
      certificateArn: props.certificateArn,
      memoryAlarmTopicArn: this.alarmTopic.topicArn,
      appEnvironment: {
        DATABASE_SECRET_ARN: databaseSecret.secretArn,
        DATABASE_HOST: this.database.primary.dbInstanceEndpointAddress,
        DATABASE_REPLICA_HOST: this.database.replica.dbInstanceEndpointAddress,
        STATIC_URL: `https://${this.assets.distribution.distributionDomainName}`,
      },
    });
    this.database.securityGroup.addIngressRule(
      this.web.instanceSecurityGroup,
      Port.tcp(5432),
      "PostgreSQL from the web instances",
    );
    databaseSecret.grantRead(this.web.instanceRole);
    this.web.environment.node.addDependency(this.database);

    this.pipeline = new WebPipeline(this, "Pipeline", {
      pipelineName: FASTIER_PLATFORM_NAMES.pipeline,
      applicationName: FASTIER_PLATFORM_NAMES.application,
      environmentName: FASTIER_PLATFORM_NAMES.environment,
      source: props.source ?? { kind: "s3", objectKey: "fastier-web/source.zip" },
      pythonVersion: props.pythonVersion ?? "3.12",
      memoryEbextensionBase64: memoryEbextensionBase64({
        targetMemoryPercent: props.targetMemoryPercent ?? 65,
        alarmMemoryPercent: props.alarmMemoryPercent ?? 85,
      }),
      after: [this.web.environment],
    });

    this.dns = new WebDns(this, "Dns", {
      zone: HostedZone.fromHostedZoneAttributes(this, "Zone", props.hostedZone),
      recordName: props.recordName ?? "app",
      target: this.web.cname,
      healthCheckPath,
      https: props.certificateArn !== undefined,
      alarmTopic: this.alarmTopic,
    });

    new CfnOutput(this, "AppUrl", { value: `http://${this.dns.record.domainName}` });
    new CfnOutput(this, "EnvironmentCname", { value: this.web.cname });
    new CfnOutput(this, "StaticAssetsBucket", { value: this.assets.bucket.bucketName });
    new CfnOutput(this, "StaticAssetsUrl", { value: `https://${this.assets.distribution.distributionDomainName}` });
    new CfnOutput(this, "PipelineName", { value: FASTIER_PLATFORM_NAMES.pipeline });
    if (this.pipeline.sourceBucket) {
      new CfnOutput(this, "SourceBucket", {
        value: this.pipeline.sourceBucket.bucketName,
        description: "Upload fastier-web/source.zip here, then start the pipeline",
      });
    }
  }
}
