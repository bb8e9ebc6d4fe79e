/** Memory and vCPUs of the instance types the simulator knows; the load model needs memory to turn GiB into percent. */
export interface InstanceSize {
  memoryGiB: number;
  vcpus: number;
}

export const EC2_INSTANCE_TYPES: Readonly<Record<string, InstanceSize>> = {
  "t3.small": { memoryGiB: 2, vcpus: 2 },
  "t3.medium": { memoryGiB: 4, vcpus: 2 },
  "t3.large": { memoryGiB: 8, vcpus: 2 },
  "t3.xlarge": { memoryGiB: 16, vcpus: 4 },
  "m6i.large": { memoryGiB: 8, vcpus: 2 },
  "m6i.xlarge": { memoryGiB: 16, vcpus: 4 },
  "r6i.large": { memoryGiB: 16, vcpus: 2 },
  "r6i.xlarge": { memoryGiB: 32, vcpus: 4 },
  "r7g.large": { memoryGiB: 16, vcpus: 2 },
};

export const RDS_INSTANCE_CLASSES: Readonly<Record<string, InstanceSize>> = {
  "db.t3.small": { memoryGiB: 2, vcpus: 2 },
  "db.t3.medium": { memoryGiB: 4, vcpus: 2 },
  "db.t3.large": { memoryGiB: 8, vcpus: 2 },
  "db.m6i.large": { memoryGiB: 8, vcpus: 2 },
  "db.m6g.large": { memoryGiB: 8, vcpus: 2 },
  "db.r6g.large": { memoryGiB: 16, vcpus: 2 },
  "db.r6i.large": { memoryGiB: 16, vcpus: 2 },
  "db.r6g.xlarge": { memoryGiB: 32, vcpus: 4 },
};

/** Unknown types fall back to t3.medium's size rather than failing a metrics read. */
export const ec2Size = (instanceType: string | null): InstanceSize =>
  EC2_INSTANCE_TYPES[instanceType ?? ""] ?? { memoryGiB: 4, vcpus: 2 };

export const rdsSize = (instanceClass: string): InstanceSize =>
  RDS_INSTANCE_CLASSES[instanceClass] ?? { memoryGiB: 4, vcpus: 2 };
