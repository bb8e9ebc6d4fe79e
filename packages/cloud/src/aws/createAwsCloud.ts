import type { CloudPort } from "@fastier/core";
import { createAwsAutoScaling } from "./awsAutoScaling.ts";
import { createAwsBackupReplication } from "./awsBackupReplication.ts";
import { createAwsBeanstalk } from "./awsBeanstalk.ts";
import { type AwsCloudOptions, createAwsClients } from "./awsClients.ts";
import { createAwsDatabases } from "./awsDatabases.ts";
import { createAwsDiscovery } from "./awsDiscovery.ts";
import { createAwsLoadBalancers } from "./awsLoadBalancers.ts";
import { createAwsMetrics } from "./awsMetrics.ts";
import { createAwsPipelines } from "./awsPipelines.ts";

/** The cloud port over AWS SDK v3; every method throws only CloudError. */
export function createAwsCloud(options: AwsCloudOptions): CloudPort {
  const clients = createAwsClients(options);
  return {
    provider: "aws",
    region: options.region,
    autoScaling: createAwsAutoScaling(clients),
    beanstalk: createAwsBeanstalk(clients),
    databases: createAwsDatabases(clients),
    pipelines: createAwsPipelines(clients),
    metrics: createAwsMetrics(clients),
    loadBalancers: createAwsLoadBalancers(clients),
    discovery: createAwsDiscovery(clients, options.region),
    backupReplication: createAwsBackupReplication(clients),
  };
}
