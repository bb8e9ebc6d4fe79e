import {
  FASTIER_PRODUCTION_ENVIRONMENT,
  FASTIER_PRODUCTION_RESOURCES,
  type InventoryStore,
  SYSTEM_ACTOR,
  seedInventory,
} from "@fastier/core";

/** Loads Fastier's production inventory when the database has no environment yet. */
export async function seedOnEmpty(inventory: InventoryStore): Promise<string | null> {
  const { items } = await inventory.listEnvironments({ limit: 1 });
  if (items.length > 0) return null;
  const result = await seedInventory(inventory, FASTIER_PRODUCTION_ENVIRONMENT, FASTIER_PRODUCTION_RESOURCES, {
    actor: { ...SYSTEM_ACTOR, name: "system:seed" },
    requestId: null,
  });
  return `seeded environment "${FASTIER_PRODUCTION_ENVIRONMENT.name}" with ${result.resourcesCreated} resources`;
}
