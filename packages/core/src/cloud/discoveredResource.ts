import type { DiscoveredResource } from "./cloudTypes.ts";

/** A discovered resource with every part its kind does not have left empty. */
export function discoveredResource(
  fields: Pick<DiscoveredResource, "kind" | "cloudId" | "name"> & Partial<DiscoveredResource>,
): DiscoveredResource {
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
