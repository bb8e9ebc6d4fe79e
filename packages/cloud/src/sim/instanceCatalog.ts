import { ec2TypeOf, rdsClassOf } from "@fastier/core";

/** Memory and vCPUs: the load model needs memory to turn GiB into percent, and vCPUs for CPU. */
export interface InstanceSize {
  memoryGiB: number;
  vcpus: number;
}

// Unknown types fall back to t3.medium's size rather than failing a metrics read.
const FALLBACK: InstanceSize = { memoryGiB: 4, vcpus: 2 };

const ec2Sizes = new Map<string | null, InstanceSize>();

/** Sizes come from the domain's instance catalog, so the simulator and the recommendations agree. */
export function ec2Size(instanceType: string | null): InstanceSize {
  // The load model asks millions of times per sweep of a large fleet; the catalog is a list.
  let size = ec2Sizes.get(instanceType);
  if (!size) {
    size = ec2TypeOf(instanceType) ?? FALLBACK;
    if (ec2Sizes.size < 1000) ec2Sizes.set(instanceType, size);
  }
  return size;
}

export const rdsSize = (instanceClass: string): InstanceSize => rdsClassOf(instanceClass) ?? FALLBACK;
