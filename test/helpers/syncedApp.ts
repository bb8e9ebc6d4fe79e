import assert from "node:assert/strict";
import { ASG_NAME, syncEnvironment } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore } from "@fastier/db";
import { createTestApp, type TestApp } from "./testApp.ts";

export const SYSTEM_AUDIT = { actor: { keyId: null, name: "test", role: "admin" as const }, requestId: null };

/** Syncs the test app's environment from its simulated cloud, as the worker's scheduled sync would. */
export async function syncFromCloud(t: TestApp, environmentId: string) {
  return syncEnvironment(
    {
      cloud: t.cloud,
      inventory: createInventoryStore(t.db),
      syncs: createPrismaSyncStore(t.db),
      now: () => t.clock.now(),
    },
    environmentId,
    "api",
    SYSTEM_AUDIT,
  );
}

export interface SyncedApp {
  t: TestApp;
  groupId: string;
  envId: string;
}

/** A test app whose production environment is synced from the simulator, ready for operations and sweeps. */
export async function syncedApp(t?: TestApp): Promise<SyncedApp> {
  const app = t ?? (await createTestApp());
  const inventory = createInventoryStore(app.db);
  const env = await inventory.createEnvironment({ name: "production", region: "us-east-1" }, SYSTEM_AUDIT);
  await syncFromCloud(app, env.id);
  const group = await inventory.findResourceByCloudId(env.id, "auto_scaling_group", ASG_NAME);
  assert.ok(group);
  return { t: app, groupId: group.id, envId: env.id };
}
