import type { AuditContext } from "../audit/types.ts";
import { DomainError } from "../errors.ts";
import { type OperationDependencies, requestOperation } from "../operations/requestOperation.ts";
import { DRILL_SCRATCH_TAG } from "./drillEvidence.ts";
import type { DrDrillStore } from "./drillStore.ts";

export interface DrillScheduleDependencies extends OperationDependencies {
  drills: DrDrillStore;
}

export interface ScheduledDrill {
  environmentId: string;
  resourceId: string;
  identifier: string;
  /** The drill operation started, or null when it was refused (the reason in `skipped`). */
  operationId: string | null;
  skipped: string | null;
}

const DAY_MS = 86_400_000;
/** The scheduler acts as the system; the audit trail names it. */
const SCHEDULER_AUDIT: AuditContext = {
  actor: { keyId: null, name: "dr-drill-schedule", role: "operator" },
  requestId: null,
};

/**
 * Starts a DR drill on each primary database of each environment whose schedule is enabled and
 * which has had no drill in the last `everyDays` days. The caller holds the schedule's advisory
 * lock, so of several workers one looks at a time, and the drill it starts is committed before
 * the lock is let go: the next look, by any worker, finds it and starts none. (Idempotency keys
 * belong to API keys, which the scheduler has none of; the target's operation lock is the last guard.)
 */
export async function startDueDrills(deps: DrillScheduleDependencies): Promise<ScheduledDrill[]> {
  const started: ScheduledDrill[] = [];
  for (const { environmentId, schedule } of await deps.drills.scheduledEnvironments()) {
    const now = deps.now();
    const { items: databases } = await deps.inventory.listResources({
      environmentId,
      kind: "db_instance",
      status: "active",
      sort: "name",
      limit: 200,
    });
    const primaries = databases.filter(
      (db) => db.database?.role === "primary" && db.tags[DRILL_SCRATCH_TAG] === undefined,
    );
    const since = new Date(now.getTime() - schedule.everyDays * DAY_MS);
    for (const database of primaries) {
      const recent = await deps.operations.list({
        kind: "dr_drill",
        targetResourceId: database.id,
        from: since,
        limit: 1,
      });
      if (recent.items.length > 0) continue;
      const scheduled = { environmentId, resourceId: database.id, identifier: database.cloudId };
      try {
        const answer = await requestOperation(
          deps,
          {
            kind: "dr_drill",
            targetResourceId: database.id,
            params: { pointInTime: schedule.pointInTime },
            dryRun: false,
            idempotencyKey: null,
          },
          SCHEDULER_AUDIT,
        );
        started.push({ ...scheduled, operationId: answer.dryRun ? null : answer.operation.id, skipped: null });
      } catch (error) {
        // Another operation holds the database (a restore, say): the next look tries again.
        if (!(error instanceof DomainError)) throw error;
        started.push({ ...scheduled, operationId: null, skipped: error.message });
      }
    }
  }
  return started;
}
