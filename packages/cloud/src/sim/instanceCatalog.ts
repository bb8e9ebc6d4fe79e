import { ec2TypeOf, rdsClassOf } from "@fastier/core";

/** Memory and vCPUs: the load model needs memory to turn GiB into percent, and vCPUs for CPU. */
export interface InstanceSize {
  memoryGiB: number;
  vcpus: number;
}

// Unknown types fall back to t3.medium's size rather than failing a metrics read.
const FALLBACK: InstanceSize = { memoryGiB: 4, vcpus: 2 };

/** Sizes come from the domain's instance catalog, so the simulator and the recommendations agree. */
export const ec2Size = (instanceType: string | null): InstanceSize => ec2TypeOf(instanceType) ?? FALLBACK;

export const rdsSize = (instanceClass: string): InstanceSize => rdsClassOf(instanceClass) ?? FALLBACK;
