import type { AuditContext } from "../audit/types.ts";
import type { CursorPosition, Page } from "../pagination/cursor.ts";
import type { Environment, Resource, ResourceKind, ResourceSpec, ResourceStatus, Tags } from "./types.ts";

export interface NewEnvironment {
  name: string;
  description?: string;
  region: string;
  accountId?: string | null;
  tags?: Tags;
}

export type EnvironmentPatch = Partial<Omit<NewEnvironment, "name">> & { name?: string };

export const RESOURCE_SORTS = ["name", "-name", "createdAt", "-createdAt", "updatedAt", "-updatedAt"] as const;
export type ResourceSort = (typeof RESOURCE_SORTS)[number];

export interface ResourceQuery {
  environmentId?: string;
  kind?: ResourceKind;
  status?: ResourceStatus;
  namePrefix?: string;
  /** `key` (tag present) or `key=value`. */
  tag?: { key: string; value?: string };
  sort: ResourceSort;
  limit: number;
  after?: CursorPosition;
}

export interface EnvironmentQuery {
  limit: number;
  after?: CursorPosition;
}

/** The resource as it will be written: identity plus a full, validated spec. */
export interface ResourceRecord extends ResourceSpec {
  environmentId: string;
  kind: ResourceKind;
  name: string;
  cloudId: string;
}

/**
 * Persistence of the inventory. Every mutation writes its audit event in the
 * same transaction. Updates receive a function that computes the new state
 * from the current one, so read, check and write happen atomically.
 */
export interface InventoryStore {
  listEnvironments(query: EnvironmentQuery): Promise<Page<Environment>>;
  getEnvironment(id: string): Promise<Environment | null>;
  findEnvironmentByName(name: string): Promise<Environment | null>;
  createEnvironment(input: NewEnvironment, audit: AuditContext): Promise<Environment>;
  updateEnvironment(
    id: string,
    expectedVersion: number | undefined,
    patch: EnvironmentPatch,
    audit: AuditContext,
  ): Promise<Environment>;
  /** Refuses (conflict `environment_not_empty`) while the environment has resources. */
  deleteEnvironment(id: string, expectedVersion: number | undefined, audit: AuditContext): Promise<void>;

  listResources(query: ResourceQuery): Promise<Page<Resource>>;
  getResource(id: string): Promise<Resource | null>;
  findResourceByCloudId(environmentId: string, kind: ResourceKind, cloudId: string): Promise<Resource | null>;
  createResource(record: ResourceRecord, audit: AuditContext): Promise<Resource>;
  updateResource(
    id: string,
    expectedVersion: number | undefined,
    apply: (current: Resource) => ResourceSpec & { name: string },
    audit: AuditContext,
  ): Promise<Resource>;
  deleteResource(id: string, expectedVersion: number | undefined, audit: AuditContext): Promise<void>;
}
