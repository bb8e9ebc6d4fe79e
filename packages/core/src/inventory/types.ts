export const RESOURCE_KINDS = [
  "auto_scaling_group",
  "instance",
  "load_balancer",
  "db_instance",
  "pipeline",
  "s3_bucket",
  "dns_record",
  "beanstalk_environment",
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const RESOURCE_STATUSES = ["pending", "active", "modifying", "degraded", "failed", "gone"] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

export const DB_ROLES = ["primary", "replica", "standalone"] as const;
export type DbRole = (typeof DB_ROLES)[number];

export type Tags = Record<string, string>;

export interface Environment {
  id: string;
  name: string;
  description: string;
  region: string;
  accountId: string | null;
  tags: Tags;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Capacity {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

export interface DatabaseSpec {
  role: DbRole;
  engine: string | null;
  engineVersion: string | null;
  /** For a replica: the identifier of the instance it replicates. */
  sourceDbIdentifier: string | null;
  multiAz: boolean;
  backupRetentionDays: number;
  earliestRestorableTime: Date | null;
  latestRestorableTime: Date | null;
}

export interface PipelineSpec {
  stages: string[];
}

/** The kind-specific parts of a resource; which ones are allowed depends on `kind`. */
export interface ResourceSpec {
  status: ResourceStatus;
  region: string | null;
  availabilityZones: string[];
  tags: Tags;
  attributes: Record<string, unknown>;
  instanceType: string | null;
  capacity: Capacity | null;
  parentId: string | null;
  database: DatabaseSpec | null;
  pipeline: PipelineSpec | null;
}

export interface Resource extends ResourceSpec {
  id: string;
  environmentId: string;
  kind: ResourceKind;
  name: string;
  cloudId: string;
  /** When a sync last found it missing from the cloud (status `gone`). */
  goneAt: Date | null;
  /** When a sync last saw it in the cloud; null for resources only ever entered by hand. */
  lastSyncedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a client sends to create a resource; omitted parts take defaults. */
export interface NewResource extends Partial<ResourceSpec> {
  environmentId: string;
  kind: ResourceKind;
  name: string;
  cloudId: string;
}

/** A partial update; nested `database` fields merge, everything else replaces. */
export interface ResourcePatch extends Partial<Omit<ResourceSpec, "database">> {
  name?: string;
  database?: Partial<DatabaseSpec> | null;
}
