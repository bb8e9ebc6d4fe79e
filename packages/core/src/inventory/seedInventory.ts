import type { AuditContext } from "../audit/types.ts";
import type { SeedResource } from "./fastierProduction.ts";
import { createInventoryService } from "./inventoryService.ts";
import type { InventoryStore, NewEnvironment } from "./inventoryStore.ts";

export interface SeedResult {
  environmentId: string;
  environmentCreated: boolean;
  resourcesCreated: number;
  resourcesPresent: number;
}

/**
 * Loads an environment and its resources, creating only what is missing, so it
 * can run again safely. Parents are listed before their children.
 */
export async function seedInventory(
  store: InventoryStore,
  environment: NewEnvironment,
  resources: SeedResource[],
  audit: AuditContext,
): Promise<SeedResult> {
  const service = createInventoryService(store);
  let env = await store.findEnvironmentByName(environment.name);
  const environmentCreated = !env;
  env ??= await store.createEnvironment(environment, audit);

  const idsByCloudId = new Map<string, string>();
  let created = 0;
  for (const { parent, ...resource } of resources) {
    const existing = await store.findResourceByCloudId(env.id, resource.kind, resource.cloudId);
    if (existing) {
      idsByCloudId.set(resource.cloudId, existing.id);
      continue;
    }
    const parentId = parent ? (idsByCloudId.get(parent) ?? null) : null;
    const row = await service.createResource({ ...resource, environmentId: env.id, parentId }, audit);
    idsByCloudId.set(resource.cloudId, row.id);
    created += 1;
  }
  return {
    environmentId: env.id,
    environmentCreated,
    resourcesCreated: created,
    resourcesPresent: resources.length - created,
  };
}
