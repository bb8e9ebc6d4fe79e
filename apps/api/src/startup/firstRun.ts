import type { Config } from "@fastier/config";
import { ensureFirstAdminKey, FASTIER_PRODUCTION_ENVIRONMENT, SYSTEM_ACTOR, syncEnvironment } from "@fastier/core";
import { createInventoryStore, createPrismaApiKeyStore, createPrismaSyncStore } from "@fastier/db";
import type { Runtime } from "@fastier/runtime";

export interface FirstRunResult {
  /** What was loaded into an empty inventory, for the banner. */
  inventory: string | null;
  firstAdminKey: string | null;
}

const STARTUP = { actor: { ...SYSTEM_ACTOR, name: "system:startup" }, requestId: null };

/**
 * A new installation gets an inventory and a way in. On the simulator the
 * production environment is created and synced from the simulated Fastier
 * account, so what a new user sees is what the cloud holds. On AWS nothing is
 * assumed: the banner explains how to add and sync an environment.
 */
export async function prepareFirstRun(runtime: Runtime, config: Config): Promise<FirstRunResult> {
  const inventory = createInventoryStore(runtime.database);
  let loaded: string | null = null;
  const empty = (await inventory.listEnvironments({ limit: 1 })).items.length === 0;
  if (empty && config.seedOnEmpty && runtime.cloud.port.provider === "sim") {
    const environment = await inventory.createEnvironment(
      { ...FASTIER_PRODUCTION_ENVIRONMENT, region: runtime.cloud.port.region },
      STARTUP,
    );
    const run = await syncEnvironment(
      {
        cloud: runtime.cloud.port,
        inventory,
        syncs: createPrismaSyncStore(runtime.database),
        now: runtime.cloud.now,
      },
      environment.id,
      "startup",
      STARTUP,
    );
    loaded =
      run.status === "succeeded"
        ? `environment "${environment.name}" synced from the simulated Fastier account: ${run.created} resources`
        : `environment "${environment.name}" created, but its first sync failed: ${run.error}`;
  }
  const key = await ensureFirstAdminKey(createPrismaApiKeyStore(runtime.database.prisma));
  return { inventory: loaded, firstAdminKey: key?.key ?? null };
}
