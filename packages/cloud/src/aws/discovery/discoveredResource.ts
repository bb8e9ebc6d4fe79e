import type { DiscoveredResource } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";

export type DiscoveredKind = DiscoveredResource["kind"];

/** Lists every resource of one kind in the clients' account and region. */
export type KindLister = (clients: AwsClients, region: string) => Promise<DiscoveredResource[]>;

type Required = Pick<DiscoveredResource, "kind" | "cloudId" | "name">;

/** A discovered resource with every part its kind does not have left empty. */
export function discoveredResource(fields: Required & Partial<DiscoveredResource>): DiscoveredResource {
  return {
    region: null,
    availabilityZones: [],
    tags: {},
    attributes: {},
    status: "active",
    instanceType: null,
    capacity: null,
    parentCloudId: null,
    database: null,
    pipeline: null,
    ...fields,
  };
}
