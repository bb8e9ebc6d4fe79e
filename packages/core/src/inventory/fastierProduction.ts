import type { NewEnvironment } from "./inventoryStore.ts";
import type { NewResource } from "./types.ts";

/**
 * Fastier's production architecture: an Elastic Beanstalk Python environment
 * on an Auto Scaling group of t3.medium across two AZs behind an ALB, RDS
 * PostgreSQL Multi-AZ with a read replica, S3 static assets, CodePipeline,
 * Route 53. Example data for a new installation.
 */
export const FASTIER_ACCOUNT_ID = "123456789012";
export const FASTIER_REGION = "us-east-1";

export const FASTIER_PRODUCTION_ENVIRONMENT: NewEnvironment = {
  name: "production",
  description: "Fastier's production web app and API (Python/Flask on Elastic Beanstalk)",
  region: FASTIER_REGION,
  accountId: FASTIER_ACCOUNT_ID,
  tags: { team: "platform", "cost-center": "web" },
};

const ZONES = ["us-east-1a", "us-east-1b"];
const arn = (service: string, rest: string) => `arn:aws:${service}:${FASTIER_REGION}:${FASTIER_ACCOUNT_ID}:${rest}`;
const appTags = { app: "fastier-web", env: "production" };

/** A seed resource; `parent` names another seed resource by its `cloudId`. */
export type SeedResource = Omit<NewResource, "environmentId" | "parentId"> & { parent?: string };

export const ASG_NAME = "awseb-e-fastier-prod-AWSEBAutoScalingGroup";
const BEANSTALK_ID = "e-fastierprod";
export const PRIMARY_DB = "fastier-db";
export const REPLICA_DB = "fastier-db-replica";
export const BEANSTALK_ENVIRONMENT_NAME = "fastier-prod";
/** The target group Beanstalk registers the group's instances in, behind the load balancer. */
export const FASTIER_TARGET_GROUP_ARN = arn(
  "elasticloadbalancing",
  "targetgroup/awseb-fastier-prod-tg/7c1e5a9d3b2f4e60",
);

export const FASTIER_PRODUCTION_RESOURCES: SeedResource[] = [
  {
    kind: "beanstalk_environment",
    name: BEANSTALK_ENVIRONMENT_NAME,
    cloudId: BEANSTALK_ID,
    region: FASTIER_REGION,
    tags: appTags,
    attributes: {
      applicationName: "fastier-web",
      platform: "Python 3.11 running on 64bit Amazon Linux 2023",
      cname: "fastier-prod.us-east-1.elasticbeanstalk.com",
      /** Whether this environment answers on the live host name (a blue/green swap moves it). */
      holdsLiveCname: true,
      deploymentPolicy: "RollingWithAdditionalBatch",
      health: "Green",
    },
  },
  {
    kind: "auto_scaling_group",
    name: ASG_NAME,
    cloudId: ASG_NAME,
    parent: BEANSTALK_ID,
    region: FASTIER_REGION,
    availabilityZones: ZONES,
    tags: appTags,
    instanceType: "t3.medium",
    capacity: { minSize: 2, maxSize: 6, desiredCapacity: 2 },
    attributes: { healthCheckType: "ELB", launchTemplate: "awseb-e-fastier-prod-lt", memoryTargetTracking: false },
  },
  ...ZONES.map(
    (zone, index): SeedResource => ({
      kind: "instance",
      name: `fastier-prod-web-${index + 1}`,
      cloudId: `i-0fa57e${index + 1}00000000${index + 1}`,
      parent: ASG_NAME,
      region: FASTIER_REGION,
      availabilityZones: [zone],
      tags: appTags,
      instanceType: "t3.medium",
      attributes: { lifecycleState: "InService", privateIp: `10.0.${index + 1}.21` },
    }),
  ),
  {
    kind: "load_balancer",
    name: "awseb-fastier-prod-alb",
    cloudId: arn("elasticloadbalancing", "loadbalancer/app/awseb-fastier-prod-alb/50dc6c495c0c9188"),
    parent: BEANSTALK_ID,
    region: FASTIER_REGION,
    availabilityZones: ZONES,
    tags: appTags,
    attributes: {
      type: "application",
      scheme: "internet-facing",
      dnsName: "awseb-fastier-prod-alb-1234567890.us-east-1.elb.amazonaws.com",
      listeners: ["HTTP:80 -> redirect HTTPS", "HTTPS:443 (ACM certificate)"],
      healthCheckPath: "/health",
      targetGroups: [FASTIER_TARGET_GROUP_ARN],
    },
  },
  {
    kind: "db_instance",
    name: PRIMARY_DB,
    cloudId: PRIMARY_DB,
    region: FASTIER_REGION,
    availabilityZones: ZONES,
    tags: { ...appTags, data: "customer" },
    instanceType: "db.t3.medium",
    database: {
      role: "primary",
      engine: "postgres",
      engineVersion: "16.4",
      sourceDbIdentifier: null,
      multiAz: true,
      backupRetentionDays: 7,
      earliestRestorableTime: null,
      latestRestorableTime: null,
    },
    attributes: { endpoint: "fastier-db.c9akciq32.us-east-1.rds.amazonaws.com:5432", storageEncrypted: true },
  },
  {
    kind: "db_instance",
    name: REPLICA_DB,
    cloudId: REPLICA_DB,
    region: FASTIER_REGION,
    availabilityZones: ["us-east-1b"],
    tags: { ...appTags, data: "customer" },
    instanceType: "db.t3.medium",
    database: {
      role: "replica",
      engine: "postgres",
      engineVersion: "16.4",
      sourceDbIdentifier: PRIMARY_DB,
      multiAz: false,
      backupRetentionDays: 0,
      earliestRestorableTime: null,
      latestRestorableTime: null,
    },
    attributes: { endpoint: "fastier-db-replica.c9akciq32.us-east-1.rds.amazonaws.com:5432", storageEncrypted: true },
  },
  {
    kind: "pipeline",
    name: "fastier-web-pipeline",
    cloudId: "fastier-web-pipeline",
    region: FASTIER_REGION,
    tags: appTags,
    pipeline: { stages: ["Source", "Build", "Deploy"] },
    attributes: {
      source: "GitHub fastier/web@main",
      deployProvider: "ElasticBeanstalk",
      deployEnvironment: BEANSTALK_ENVIRONMENT_NAME,
    },
  },
  {
    kind: "s3_bucket",
    name: "fastier-static-assets",
    cloudId: "fastier-static-assets",
    region: FASTIER_REGION,
    tags: appTags,
    attributes: { purpose: "static assets (CSS, JS, images)", blockPublicAccess: true, cloudFront: true },
  },
  {
    kind: "dns_record",
    name: "app.fastier.io",
    cloudId: "Z0FASTIER123/app.fastier.io./A",
    tags: appTags,
    attributes: {
      hostedZone: "fastier.io",
      type: "A",
      alias: "awseb-fastier-prod-alb-1234567890.us-east-1.elb.amazonaws.com",
      healthCheck: "HTTPS /health",
      routingPolicy: "failover (primary)",
    },
  },
];
