import type { AuditContext } from "../audit/types.ts";
import type { CloudPort } from "../cloud/cloudPort.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { InventoryStore } from "../inventory/inventoryStore.ts";
import type { ResourceKind } from "../inventory/types.ts";
import { planSync } from "./planSync.ts";
import type { SyncRun, SyncStore } from "./syncStore.ts";

export interface SyncDependencies {
  cloud: CloudPort;
  inventory: InventoryStore;
  syncs: SyncStore;
  now: () => Date;
}

/**
 * Brings an environment's inventory in line with its cloud: discovers every
 * resource, then applies creates, updates (audited as drift) and "gone" marks
 * in one transaction. A failed discovery or apply leaves the inventory as it
 * was and the run marked failed with the reason.
 */
export async function syncEnvironment(
  deps: SyncDependencies,
  environmentId: string,
  trigger: string,
  audit: AuditContext,
): Promise<SyncRun> {
  const environment = await deps.inventory.getEnvironment(environmentId);
  if (!environment) throw new NotFoundError("environment", environmentId);
  if (environment.region !== deps.cloud.region) {
    throw new ConflictError(
      "region_mismatch",
      `environment ${environment.name} is in ${environment.region} but the cloud is configured for ${deps.cloud.region}`,
      { environmentRegion: environment.region, cloudRegion: deps.cloud.region },
    );
  }
  const run = await deps.syncs.startRun(environmentId, trigger);
  let failures: SyncRun["failures"] = [];
  try {
    const discovery = await deps.cloud.discovery.discover();
    failures = discovery.failures;
    const failedKinds = new Set<ResourceKind>(discovery.failures.map((failure) => failure.kind));
    return await deps.syncs.applySync(
      run.id,
      environmentId,
      (inventory) => planSync(inventory, discovery.resources, failedKinds),
      audit,
      deps.now(),
      failures,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const failed = await deps.syncs.failRun(run.id, reason, failures);
    return failed;
  }
}
