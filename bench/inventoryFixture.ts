import type { NewEnvironment, SeedResource } from "@fastier/core";

/**
 * A large, realistic inventory: many application stacks shaped like Fastier's
 * production one (Beanstalk environment, Auto Scaling group with its
 * instances, load balancer, primary and replica databases, pipeline, bucket,
 * DNS record). Values vary by stack so rows differ the way real ones do.
 */
export const BENCH_ENVIRONMENT: NewEnvironment = {
  name: "bench-production",
  description: "Synthetic production inventory for the list-resources benchmark",
  region: "us-east-1",
  accountId: "123456789012",
  tags: { team: "platform", "cost-center": "web", purpose: "bench" },
};

const REGION = "us-east-1";
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const SERVICES = ["web", "api", "billing", "search", "checkout", "catalog", "auth", "media", "reports", "notify"];
const INSTANCE_TYPES = ["t3.medium", "t3.large", "m6i.large", "c6i.xlarge"];
const DB_CLASSES = ["db.t3.medium", "db.r6g.large", "db.m6g.xlarge"];
const INSTANCES_PER_GROUP = 12;

/** Parents come before their children, so the list can be created in order. */
export function benchResources(count: number): SeedResource[][] {
  const stacks: SeedResource[][] = [];
  let total = 0;
  for (let index = 0; total < count; index += 1) {
    const stack = applicationStack(index).slice(0, count - total);
    stacks.push(stack);
    total += stack.length;
  }
  return stacks;
}

function applicationStack(index: number): SeedResource[] {
  const service = SERVICES[index % SERVICES.length]!;
  const stack = `${service}-${String(index).padStart(3, "0")}`;
  const tags = { app: `fastier-${service}`, env: "production", stack };
  const hex = (n: number) => (index * 7919 + n * 104_729).toString(16).padStart(8, "0");
  const arn = (serviceName: string, rest: string) => `arn:aws:${serviceName}:${REGION}:123456789012:${rest}`;
  const beanstalkId = `e-${hex(1)}`;
  const groupName = `awseb-${beanstalkId}-stack-AWSEBAutoScalingGroup-${hex(2).toUpperCase()}`;
  const instanceType = INSTANCE_TYPES[index % INSTANCE_TYPES.length]!;
  const dbClass = DB_CLASSES[index % DB_CLASSES.length]!;
  const primaryDb = `${stack}-db`;
  const desired = 2 + (index % 9);

  const instances = Array.from(
    { length: INSTANCES_PER_GROUP },
    (_, n): SeedResource => ({
      kind: "instance",
      name: `${stack}-i-${String(n + 1).padStart(2, "0")}`,
      cloudId: `i-0${hex(10 + n)}${hex(30 + n).slice(0, 8)}`,
      parent: groupName,
      // Instances beyond the desired capacity are being launched or drained.
      status: n < desired ? "active" : n % 2 === 0 ? "pending" : "modifying",
      region: REGION,
      availabilityZones: [ZONES[n % ZONES.length]!],
      tags: { ...tags, "aws:autoscaling:groupName": groupName, Name: `${stack}-web` },
      instanceType,
      attributes: {
        lifecycleState: n < desired ? "InService" : "Pending",
        privateIp: `10.${index % 250}.${n % ZONES.length}.${10 + n}`,
        imageId: `ami-0${hex(50)}`,
        launchTime: new Date(Date.UTC(2025, index % 12, 1 + (n % 28))).toISOString(),
      },
    }),
  );

  return [
    {
      kind: "beanstalk_environment",
      name: `${stack}-prod`,
      cloudId: beanstalkId,
      region: REGION,
      tags,
      attributes: {
        applicationName: `fastier-${service}`,
        platform: "Python 3.11 running on 64bit Amazon Linux 2023",
        cname: `${stack}-prod.${REGION}.elasticbeanstalk.com`,
        deploymentPolicy: "RollingWithAdditionalBatch",
        health: index % 17 === 0 ? "Yellow" : "Green",
      },
    },
    {
      kind: "auto_scaling_group",
      name: groupName,
      cloudId: groupName,
      parent: beanstalkId,
      status: index % 23 === 0 ? "degraded" : "active",
      region: REGION,
      availabilityZones: ZONES,
      tags,
      instanceType,
      capacity: { minSize: 2, maxSize: INSTANCES_PER_GROUP, desiredCapacity: desired },
      attributes: { healthCheckType: "ELB", launchTemplate: `awseb-${beanstalkId}-lt`, cooldownSeconds: 300 },
    },
    ...instances,
    {
      kind: "load_balancer",
      name: `awseb-${stack}-alb`,
      cloudId: arn("elasticloadbalancing", `loadbalancer/app/awseb-${stack}-alb/${hex(60)}${hex(61)}`),
      parent: beanstalkId,
      region: REGION,
      availabilityZones: ZONES.slice(0, 2),
      tags,
      attributes: {
        type: "application",
        scheme: "internet-facing",
        dnsName: `awseb-${stack}-alb-${hex(62)}.${REGION}.elb.amazonaws.com`,
        listeners: ["HTTP:80 -> redirect HTTPS", "HTTPS:443 (ACM certificate)"],
        healthCheckPath: "/health",
      },
    },
    {
      kind: "db_instance",
      name: primaryDb,
      cloudId: primaryDb,
      region: REGION,
      availabilityZones: ZONES.slice(0, 2),
      tags: { ...tags, data: "customer" },
      instanceType: dbClass,
      database: {
        role: "primary",
        engine: "postgres",
        engineVersion: index % 3 === 0 ? "15.8" : "16.4",
        sourceDbIdentifier: null,
        multiAz: true,
        backupRetentionDays: 7 + (index % 4) * 7,
        earliestRestorableTime: new Date(Date.UTC(2025, 10, 1)),
        latestRestorableTime: new Date(Date.UTC(2025, 10, 20)),
      },
      attributes: { endpoint: `${primaryDb}.c9akciq32.${REGION}.rds.amazonaws.com:5432`, storageEncrypted: true },
    },
    {
      kind: "db_instance",
      name: `${primaryDb}-replica`,
      cloudId: `${primaryDb}-replica`,
      region: REGION,
      availabilityZones: [ZONES[index % ZONES.length]!],
      tags: { ...tags, data: "customer" },
      instanceType: dbClass,
      database: {
        role: "replica",
        engine: "postgres",
        engineVersion: index % 3 === 0 ? "15.8" : "16.4",
        sourceDbIdentifier: primaryDb,
        multiAz: false,
        backupRetentionDays: 0,
        earliestRestorableTime: null,
        latestRestorableTime: null,
      },
      attributes: {
        endpoint: `${primaryDb}-replica.c9akciq32.${REGION}.rds.amazonaws.com:5432`,
        storageEncrypted: true,
      },
    },
    {
      kind: "pipeline",
      name: `${stack}-pipeline`,
      cloudId: `${stack}-pipeline`,
      region: REGION,
      tags,
      pipeline: { stages: ["Source", "Build", "Test", "Deploy"] },
      attributes: { source: `GitHub fastier/${service}@main`, deployProvider: "ElasticBeanstalk" },
    },
    {
      kind: "s3_bucket",
      name: `fastier-${stack}-assets`,
      cloudId: `fastier-${stack}-assets`,
      region: REGION,
      tags,
      attributes: { purpose: "static assets", blockPublicAccess: true, versioning: index % 2 === 0 },
    },
    {
      kind: "dns_record",
      name: `${stack}.fastier.io`,
      cloudId: `Z0FASTIER123/${stack}.fastier.io./A`,
      tags,
      attributes: {
        hostedZone: "fastier.io",
        type: "A",
        alias: `awseb-${stack}-alb-${hex(62)}.${REGION}.elb.amazonaws.com`,
        routingPolicy: "simple",
      },
    },
  ];
}
