import type { ApiKeySummary, AuditEvent, Environment, Resource, ResourceSpec, Role, Tags } from "@fastier/core";
import type { AuditEvent as AuditEventRow } from "../generated/prisma/client.ts";
import type { ApiKeyRole, DbRole, ResourceKind, ResourceStatus } from "../generated/prisma/enums.ts";
import type { EnvironmentColumnsRow } from "./environmentListQuery.ts";
import type { ResourceColumnsRow } from "./resourceColumns.ts";

// The database spells enum values in upper case; the domain and the API in lower case.
export const toDbEnum = <T extends string>(value: string) => value.toUpperCase() as T;
export const fromDbEnum = <T extends string>(value: string) => value.toLowerCase() as T;

export const toDbKind = (kind: Resource["kind"]) => toDbEnum<ResourceKind>(kind);
export const toDbStatus = (status: Resource["status"]) => toDbEnum<ResourceStatus>(status);
export const toDbRole = (role: Role) => toDbEnum<ApiKeyRole>(role);
export const toDbDbRole = (role: string) => toDbEnum<DbRole>(role);

/** Takes Prisma's `Environment` row or a raw one: the model satisfies the raw row type. */
export function environmentFromRow(row: EnvironmentColumnsRow): Environment {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    region: row.region,
    accountId: row.accountId,
    tags: row.tags as Tags,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Takes Prisma's `Resource` row or a raw one: the model satisfies the raw row type. */
export function resourceFromRow(row: ResourceColumnsRow): Resource {
  return {
    id: row.id,
    environmentId: row.environmentId,
    kind: fromDbEnum(row.kind),
    name: row.name,
    cloudId: row.cloudId,
    status: fromDbEnum(row.status),
    region: row.region,
    availabilityZones: row.availabilityZones ?? [],
    tags: row.tags as Tags,
    attributes: row.attributes as Record<string, unknown>,
    instanceType: row.instanceType,
    capacity:
      row.minSize !== null && row.maxSize !== null && row.desiredCapacity !== null
        ? { minSize: row.minSize, maxSize: row.maxSize, desiredCapacity: row.desiredCapacity }
        : null,
    parentId: row.parentId,
    database:
      row.dbRole !== null
        ? {
            role: fromDbEnum(row.dbRole),
            engine: row.dbEngine,
            engineVersion: row.dbEngineVersion,
            sourceDbIdentifier: row.sourceDbIdentifier,
            multiAz: row.multiAz ?? false,
            backupRetentionDays: row.backupRetentionDays ?? 0,
            earliestRestorableTime: row.earliestRestorableTime,
            latestRestorableTime: row.latestRestorableTime,
          }
        : null,
    pipeline: row.kind === "PIPELINE" ? { stages: row.pipelineStages ?? [] } : null,
    goneAt: row.goneAt,
    lastSyncedAt: row.lastSyncedAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Column values for a resource's spec (identity columns are added by the caller). */
export function resourceSpecColumns(spec: ResourceSpec & { name: string }) {
  return {
    name: spec.name,
    status: toDbStatus(spec.status),
    region: spec.region,
    availabilityZones: spec.availabilityZones,
    tags: spec.tags,
    attributes: spec.attributes as object,
    instanceType: spec.instanceType,
    minSize: spec.capacity?.minSize ?? null,
    maxSize: spec.capacity?.maxSize ?? null,
    desiredCapacity: spec.capacity?.desiredCapacity ?? null,
    parentId: spec.parentId,
    dbRole: spec.database ? toDbDbRole(spec.database.role) : null,
    dbEngine: spec.database?.engine ?? null,
    dbEngineVersion: spec.database?.engineVersion ?? null,
    sourceDbIdentifier: spec.database?.sourceDbIdentifier ?? null,
    multiAz: spec.database?.multiAz ?? null,
    backupRetentionDays: spec.database?.backupRetentionDays ?? null,
    earliestRestorableTime: spec.database?.earliestRestorableTime ?? null,
    latestRestorableTime: spec.database?.latestRestorableTime ?? null,
    pipelineStages: spec.pipeline?.stages ?? [],
  };
}

/** The columns of an API key a summary shows, read through Prisma or plain pg. */
export interface ApiKeySummaryRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function apiKeyFromRow(row: ApiKeySummaryRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    role: fromDbEnum(row.role),
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function auditEventFromRow(row: AuditEventRow): AuditEvent {
  return {
    id: row.id.toString(),
    at: row.at,
    actorKeyId: row.actorKeyId,
    actorName: row.actorName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before,
    after: row.after,
    requestId: row.requestId,
  };
}
