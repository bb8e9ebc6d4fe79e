import type { DiscoveryPort, DiscoveryResult } from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { discoverAutoScalingGroups } from "./discovery/discoverAutoScalingGroups.ts";
import { discoverBeanstalkEnvironments } from "./discovery/discoverBeanstalkEnvironments.ts";
import { discoverBuckets } from "./discovery/discoverBuckets.ts";
import { discoverDbInstances } from "./discovery/discoverDbInstances.ts";
import { discoverDnsRecords } from "./discovery/discoverDnsRecords.ts";
import type { DiscoveredKind, KindLister } from "./discovery/discoveredResource.ts";
import { discoverInstances } from "./discovery/discoverInstances.ts";
import { discoverLoadBalancers } from "./discovery/discoverLoadBalancers.ts";
import { discoverPipelines } from "./discovery/discoverPipelines.ts";

const LISTERS: Record<DiscoveredKind, KindLister> = {
  auto_scaling_group: discoverAutoScalingGroups,
  instance: discoverInstances,
  load_balancer: discoverLoadBalancers,
  db_instance: discoverDbInstances,
  pipeline: discoverPipelines,
  s3_bucket: discoverBuckets,
  dns_record: discoverDnsRecords,
  beanstalk_environment: discoverBeanstalkEnvironments,
};

/**
 * Lists every kind independently: a kind whose service refuses or fails is
 * reported in `failures` and the others are still complete, so a sync can
 * update them and leave the failed kind alone.
 */
export function createAwsDiscovery(clients: AwsClients, region: string): DiscoveryPort {
  return {
    async discover() {
      const kinds = Object.entries(LISTERS) as [DiscoveredKind, KindLister][];
      const outcomes = await Promise.all(
        kinds.map(async ([kind, list]) => {
          try {
            return { kind, resources: await list(clients, region), error: null };
          } catch (error) {
            return { kind, resources: [], error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      // Kept in the listers' order, whatever order the calls finished in.
      const result: DiscoveryResult = { resources: [], failures: [] };
      for (const { kind, resources, error } of outcomes) {
        if (error === null) result.resources.push(...resources);
        else result.failures.push({ kind, error });
      }
      return result;
    },
  };
}
