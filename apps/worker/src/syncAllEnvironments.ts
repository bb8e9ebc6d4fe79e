import { type AuditContext, SYSTEM_ACTOR, type SyncDependencies, type SyncRun, syncEnvironment } from "@fastier/core";

const SCHEDULE_AUDIT: AuditContext = { actor: { ...SYSTEM_ACTOR, name: "worker:sync" }, requestId: null };

/** Syncs every environment in the cloud's region, one after another; one failure does not stop the rest. */
export async function syncAllEnvironments(deps: SyncDependencies): Promise<SyncRun[]> {
  const runs: SyncRun[] = [];
  let after: { sort: string; value: string; id: string } | undefined;
  do {
    const page = await deps.inventory.listEnvironments({ limit: 100, ...(after && { after }) });
    for (const environment of page.items) {
      if (environment.region !== deps.cloud.region) continue;
      runs.push(await syncEnvironment(deps, environment.id, "schedule", SCHEDULE_AUDIT));
    }
    const last = page.items.at(-1);
    after = page.nextCursor && last ? { sort: "name", value: last.name, id: last.id } : undefined;
  } while (after);
  return runs;
}
