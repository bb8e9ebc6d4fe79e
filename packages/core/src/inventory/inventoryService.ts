import type { AuditContext } from "../audit/types.ts";
import { NotFoundError } from "../errors.ts";
import type { InventoryStore } from "./inventoryStore.ts";
import { applyResourcePatch, specOfNewResource } from "./resourceRules.ts";
import type { NewResource, Resource, ResourcePatch } from "./types.ts";

/** Inventory use cases: the kind rules are applied here, persistence is the store's. */
export function createInventoryService(store: InventoryStore) {
  return {
    async createResource(input: NewResource, audit: AuditContext): Promise<Resource> {
      const spec = specOfNewResource(input);
      if (!(await store.getEnvironment(input.environmentId))) {
        throw new NotFoundError("environment", input.environmentId);
      }
      return store.createResource(
        { ...spec, environmentId: input.environmentId, kind: input.kind, name: input.name, cloudId: input.cloudId },
        audit,
      );
    },

    updateResource(
      id: string,
      expectedVersion: number | undefined,
      patch: ResourcePatch,
      audit: AuditContext,
    ): Promise<Resource> {
      return store.updateResource(id, expectedVersion, (current) => applyResourcePatch(current, patch), audit);
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
