/**
 * Instance sizes and prices the recommendations compute with; the simulator
 * sizes its instances from the same tables.
 *
 * PRICES MUST BE REFRESHED: they are the published AWS on-demand prices for
 * Linux, shared tenancy, US East (N. Virginia), copied by hand as of
 * PRICES_AS_OF; AWS changes prices rarely but does change them. Check each
 * against PRICES_SOURCE (or the Price List API) before relying on a delta.
 */
export const PRICES_AS_OF = "2025-01-01";
export const PRICES_SOURCE = "https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, us-east-1, shared tenancy)";
export const PRICES_REGION = "us-east-1";

/** AWS bills a month as 730 hours (8,760 h ÷ 12) in its own calculators. */
export const HOURS_PER_MONTH = 730;

export interface Ec2InstanceType {
  instanceType: string;
  memoryGiB: number;
  vcpus: number;
  /** Switching architecture needs a new AMI and native wheels: rightsizing stays within one. */
  architecture: "x86_64" | "arm64";
  /** On-demand USD per hour, Linux, us-east-1. */
  hourlyUsd: number;
}

const type = (
  instanceType: string,
  memoryGiB: number,
  vcpus: number,
  hourlyUsd: number,
  architecture: Ec2InstanceType["architecture"] = "x86_64",
): Ec2InstanceType => ({ instanceType, memoryGiB, vcpus, architecture, hourlyUsd });

/** General purpose (t3 burstable, m6i/m7i), memory optimised (r6i/r7i, r7g on Graviton). */
export const EC2_CATALOG: readonly Ec2InstanceType[] = [
  type("t3.small", 2, 2, 0.0208),
  type("t3.medium", 4, 2, 0.0416),
  type("t3.large", 8, 2, 0.0832),
  type("t3.xlarge", 16, 4, 0.1664),
  type("t3.2xlarge", 32, 8, 0.3328),
  type("m6i.large", 8, 2, 0.096),
  type("m6i.xlarge", 16, 4, 0.192),
  type("m7i.large", 8, 2, 0.1008),
  type("r6i.large", 16, 2, 0.126),
  type("r6i.xlarge", 32, 4, 0.252),
  type("r7i.large", 16, 2, 0.1323),
  type("r7i.xlarge", 32, 4, 0.2646),
  type("r7g.large", 16, 2, 0.1071, "arm64"),
];

export const ec2TypeOf = (instanceType: string | null, catalog: readonly Ec2InstanceType[] = EC2_CATALOG) =>
  catalog.find((entry) => entry.instanceType === instanceType) ?? null;

export interface RdsInstanceClass {
  memoryGiB: number;
  vcpus: number;
}

const rds = (memoryGiB: number, vcpus: number): RdsInstanceClass => ({ memoryGiB, vcpus });

/** Memory and vCPUs of RDS instance classes, for `FreeableMemory` as a share of the class. */
export const RDS_CLASSES: Readonly<Record<string, RdsInstanceClass>> = {
  "db.t3.small": rds(2, 2),
  "db.t3.medium": rds(4, 2),
  "db.t3.large": rds(8, 2),
  "db.t4g.medium": rds(4, 2),
  "db.t4g.large": rds(8, 2),
  "db.m6i.large": rds(8, 2),
  "db.m6i.xlarge": rds(16, 4),
  "db.m6g.large": rds(8, 2),
  "db.m7g.large": rds(8, 2),
  "db.r6g.large": rds(16, 2),
  "db.r6i.large": rds(16, 2),
  "db.r6g.xlarge": rds(32, 4),
  "db.r6i.xlarge": rds(32, 4),
  "db.r7g.large": rds(16, 2),
};

export const rdsClassOf = (instanceClass: string | null): RdsInstanceClass | null =>
  instanceClass !== null && Object.hasOwn(RDS_CLASSES, instanceClass) ? (RDS_CLASSES[instanceClass] ?? null) : null;

/** Null for a class not in the table: the caller supplies its memory rather than the rule guessing. */
export const rdsClassMemoryGiB = (instanceClass: string | null) => rdsClassOf(instanceClass)?.memoryGiB ?? null;

/** Monthly on-demand cost of `count` instances, rounded to cents only at the end. */
export const monthlyCostUsd = (hourlyUsd: number, count = 1) =>
  Math.round(hourlyUsd * count * HOURS_PER_MONTH * 100) / 100;
