import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { EC2Client, type EC2ClientConfig } from "@aws-sdk/client-ec2";
import { ElasticBeanstalkClient } from "@aws-sdk/client-elastic-beanstalk";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";

/** The SDK clients the adapter talks through; any of them can be injected. */
export interface AwsClients {
  autoScaling: AutoScalingClient;
  rds: RDSClient;
  cloudWatch: CloudWatchClient;
  codePipeline: CodePipelineClient;
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  elasticBeanstalk: ElasticBeanstalkClient;
  s3: S3Client;
  route53: Route53Client;
  /**
   * An RDS client for another region (the destination of replicated backups), built on first
   * use and kept; the home region's is `rds` itself.
   */
  rdsIn(region: string): RDSClient;
}

/** Static keys (`AwsCredentialIdentity`) or a provider of them; omitted means the SDK's default chain. */
export type AwsCredentials = NonNullable<EC2ClientConfig["credentials"]>;

export interface AwsCloudOptions {
  region: string;
  /** An emulator such as moto; omitted means the real AWS endpoints. */
  endpoint?: string;
  /** Attempts per call in the SDK's standard retry mode (throttling and 5xx are retried). Default 5. */
  maxAttempts?: number;
  credentials?: AwsCredentials;
  clients?: Partial<AwsClients>;
}

export const DEFAULT_AWS_MAX_ATTEMPTS = 5;

export function createAwsClients(options: AwsCloudOptions): AwsClients {
  const config = {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryMode: "standard",
    maxAttempts: options.maxAttempts ?? DEFAULT_AWS_MAX_ATTEMPTS,
  };
  const given = options.clients ?? {};
  const rds = given.rds ?? new RDSClient(config);
  const otherRegions = new Map<string, RDSClient>();
  return {
    autoScaling: given.autoScaling ?? new AutoScalingClient(config),
    rds,
    cloudWatch: given.cloudWatch ?? new CloudWatchClient(config),
    codePipeline: given.codePipeline ?? new CodePipelineClient(config),
    ec2: given.ec2 ?? new EC2Client(config),
    elbv2: given.elbv2 ?? new ElasticLoadBalancingV2Client(config),
    elasticBeanstalk: given.elasticBeanstalk ?? new ElasticBeanstalkClient(config),
    // Emulators answer on one host name, so bucket names cannot go into the host as AWS prefers.
    s3: given.s3 ?? new S3Client({ ...config, forcePathStyle: options.endpoint !== undefined }),
    route53: given.route53 ?? new Route53Client(config),
    rdsIn:
      given.rdsIn ??
      ((region) => {
        if (region === options.region) return rds;
        let client = otherRegions.get(region);
        if (!client) {
          client = new RDSClient({ ...config, region });
          otherRegions.set(region, client);
        }
        return client;
      }),
  };
}
