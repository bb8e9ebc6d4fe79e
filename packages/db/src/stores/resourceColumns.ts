/**
 * The resource columns plain-pg reads select, named like Prisma's `Resource` model so that rows
 * read either way map through the same `resourceFromRow`.
 */
export const RESOURCE_COLUMNS = `
  id, environment_id AS "environmentId", kind, name, cloud_id AS "cloudId", status, region,
  availability_zones AS "availabilityZones", tags, attributes, instance_type AS "instanceType",
  min_size AS "minSize", max_size AS "maxSize", desired_capacity AS "desiredCapacity",
  parent_id AS "parentId", db_role AS "dbRole", db_engine AS "dbEngine", db_engine_version AS "dbEngineVersion",
  source_db_identifier AS "sourceDbIdentifier", multi_az AS "multiAz",
  backup_retention_days AS "backupRetentionDays", earliest_restorable_time AS "earliestRestorableTime",
  latest_restorable_time AS "latestRestorableTime", pipeline_stages AS "pipelineStages",
  gone_at AS "goneAt", last_synced_at AS "lastSyncedAt", version, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A row of `RESOURCE_COLUMNS` as pg returns it (enums as their upper-case text, jsonb parsed). */
export interface ResourceColumnsRow {
  id: string;
  environmentId: string;
  kind: string;
  name: string;
  cloudId: string;
  status: string;
  region: string | null;
  availabilityZones: string[];
  tags: unknown;
  attributes: unknown;
  instanceType: string | null;
  minSize: number | null;
  maxSize: number | null;
  desiredCapacity: number | null;
  parentId: string | null;
  dbRole: string | null;
  dbEngine: string | null;
  dbEngineVersion: string | null;
  sourceDbIdentifier: string | null;
  multiAz: boolean | null;
  backupRetentionDays: number | null;
  earliestRestorableTime: Date | null;
  latestRestorableTime: Date | null;
  pipelineStages: string[];
  goneAt: Date | null;
  lastSyncedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
