import type { DiscoveredResource } from "../cloud/cloudTypes.ts";
import type { Resource, ResourceKind, ResourceSpec } from "../inventory/types.ts";

/** The inventory's view of a discovered resource, before parents are resolved to ids. */
export interface DesiredResource {
  kind: ResourceKind;
  cloudId: string;
  name: string;
  spec: Omit<ResourceSpec, "parentId">;
  parentCloudId: string | null;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface SyncPlan {
  create: DesiredResource[];
  /** Changed outside the control plane: each change is drift worth an audit event. */
  update: { current: Resource; desired: DesiredResource; changes: FieldChange[] }[];
  unchanged: { current: Resource; desired: DesiredResource }[];
  /** Present in the inventory, absent from the cloud. */
  markGone: Resource[];
}

export const keyOf = (kind: string, cloudId: string) => `${kind}\u0000${cloudId}`;

export function desiredFromDiscovery(found: DiscoveredResource): DesiredResource {
  return {
    kind: found.kind,
    cloudId: found.cloudId,
    name: found.name,
    parentCloudId: found.parentCloudId,
    spec: {
      status: found.status,
      region: found.region,
      availabilityZones: [...found.availabilityZones].sort(),
      tags: found.tags,
      attributes: found.attributes,
      instanceType: found.instanceType,
      capacity: found.capacity,
      database: found.database,
      pipeline: found.pipeline,
    },
  };
}

/** Fields compared to decide whether a resource changed; `attributes` compared as a whole. */
const COMPARED: (keyof DesiredResource["spec"] | "name")[] = [
  "name",
  "status",
  "region",
  "availabilityZones",
  "instanceType",
  "capacity",
  "database",
  "pipeline",
  "tags",
  "attributes",
];

/**
 * What a sync must do to make an environment's inventory match the cloud.
 * Resources of kinds whose listing failed are left alone: absence from a
 * failed listing is not evidence that they are gone.
 */
export function planSync(
  inventory: Resource[],
  discovered: DiscoveredResource[],
  failedKinds: ReadonlySet<ResourceKind>,
): SyncPlan {
  const plan: SyncPlan = { create: [], update: [], unchanged: [], markGone: [] };
  const byKey = new Map(inventory.map((resource) => [keyOf(resource.kind, resource.cloudId), resource]));
  const seen = new Set<string>();
  for (const found of discovered) {
    const key = keyOf(found.kind, found.cloudId);
    if (seen.has(key)) continue;
    seen.add(key);
    const desired = desiredFromDiscovery(found);
    const current = byKey.get(key);
    if (!current) {
      plan.create.push(desired);
      continue;
    }
    const changes = changesBetween(current, desired);
    if (changes.length > 0) plan.update.push({ current, desired, changes });
    else plan.unchanged.push({ current, desired });
  }
  for (const resource of inventory) {
    const key = keyOf(resource.kind, resource.cloudId);
    if (seen.has(key) || failedKinds.has(resource.kind) || resource.status === "gone") continue;
    plan.markGone.push(resource);
  }
  return plan;
}

/**
 * Restorable times move forward every few minutes on their own; they are
 * stored on every sync but are not drift.
 */
function withoutMovingTimes(database: Resource["database"]) {
  if (!database) return database;
  const { earliestRestorableTime: _earliest, latestRestorableTime: _latest, ...rest } = database;
  return rest;
}

function changesBetween(current: Resource, desired: DesiredResource): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of COMPARED) {
    let before = field === "name" ? current.name : current[field];
    let after = field === "name" ? desired.name : desired.spec[field];
    if (field === "database") {
      before = withoutMovingTimes(current.database);
      after = withoutMovingTimes(desired.spec.database);
    }
    const normalisedBefore = field === "availabilityZones" ? [...(before as string[])].sort() : before;
    if (canonical(normalisedBefore) !== canonical(after)) {
      changes.push({
        field,
        before: field === "database" ? current.database : before,
        after: field === "database" ? desired.spec.database : after,
      });
    }
  }
  return changes;
}

/** JSON with sorted keys and dates as ISO strings, so equal values compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item) => {
    if (item && typeof item === "object" && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));
    }
    return item;
  });
}
