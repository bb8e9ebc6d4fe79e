import { keyOf, NotFoundError, type SyncRun, type SyncStore } from "@fastier/core";
import type { SyncRun as SyncRunRow } from "../generated/prisma/client.ts";
import type { DatabaseHandle } from "../prismaClient.ts";
import { toJsonValue } from "./jsonValue.ts";
import { onPrismaTransaction, writeNotifications } from "./notificationOutbox.ts";
import { inTransaction } from "./pgTransaction.ts";
import { RESOURCE_COLUMNS, type ResourceColumnsRow } from "./resourceColumns.ts";
import { resourceFromRow } from "./rowMapping.ts";
import { createDiscovered, linkParents, markGone, touchUnchanged, updateDrifted } from "./syncWrites.ts";

/** A sync run as `syncRunFromRow` reads it, named like Prisma's `SyncRun` model. */
const SYNC_RUN_COLUMNS = `id, environment_id AS "environmentId", status, trigger, started_at AS "startedAt",
  finished_at AS "finishedAt", discovered, created, updated, unchanged, marked_gone AS "markedGone", failures, error`;

export function createPrismaSyncStore({ prisma, pool }: Pick<DatabaseHandle, "prisma" | "pool">): SyncStore {
  return {
    async startRun(environmentId, trigger) {
      return syncRunFromRow(await prisma.syncRun.create({ data: { environmentId, trigger } }));
    },

    async applySync(runId, environmentId, plan, audit, now, failures) {
      // Plain pg: the writes are set-based (syncWrites.ts), which Prisma cannot express.
      return inTransaction(pool, async (client) => {
        // Serialises syncs of one environment; inventory edits of single resources lock rows, not this.
        const locked = await client.query("SELECT 1 FROM environments WHERE id = $1::uuid FOR UPDATE", [environmentId]);
        if (locked.rowCount === 0) throw new NotFoundError("environment", environmentId);
        const { rows } = await client.query<ResourceColumnsRow>(
          `SELECT ${RESOURCE_COLUMNS} FROM resources WHERE environment_id = $1`,
          [environmentId],
        );
        const inventory = rows.map(resourceFromRow);
        const decided = plan(inventory);
        const idsByKey = new Map(inventory.map((r) => [keyOf(r.kind, r.cloudId), r.id]));
        // What Prisma's @updatedAt would stamp: the write's own time, not the sync's (possibly simulated) clock.
        const writtenAt = new Date();

        await createDiscovered(client, environmentId, decided.create, idsByKey, audit, now);
        await updateDrifted(client, decided.update, audit, now, writtenAt);
        await touchUnchanged(client, decided.unchanged, now, writtenAt);
        await markGone(client, decided.markGone, audit, now, writtenAt);
        await linkParents(client, decided, inventory, idsByKey, writtenAt);

        const finished = await client.query<SyncRunRow>(
          `UPDATE sync_runs
              SET status = 'SUCCEEDED', finished_at = $2, discovered = $3, created = $4, updated = $5,
                  unchanged = $6, marked_gone = $7, failures = $8::jsonb
            WHERE id = $1
        RETURNING ${SYNC_RUN_COLUMNS}`,
          [
            runId,
            now,
            decided.create.length + decided.update.length + decided.unchanged.length,
            decided.create.length,
            decided.update.length,
            decided.unchanged.length,
            decided.markGone.length,
            JSON.stringify(failures),
          ],
        );
        const row = finished.rows[0];
        if (!row) throw new NotFoundError("sync run", runId);
        return syncRunFromRow(row);
      });
    },

    async failRun(runId, error, failures) {
      return prisma.$transaction(async (tx) => {
        const row = await tx.syncRun.update({
          where: { id: runId },
          data: {
            status: "FAILED",
            finishedAt: new Date(),
            error: error.slice(0, 2000),
            failures: toJsonValue(failures),
          },
        });
        await writeNotifications(onPrismaTransaction(tx), [
          {
            type: "sync.failed",
            occurredAt: row.finishedAt ?? row.startedAt,
            environmentId: row.environmentId,
            subject: { id: row.environmentId, kind: "environment" },
            severity: null,
            data: { syncRunId: row.id, trigger: row.trigger, error: row.error, summary: `sync failed: ${row.error}` },
          },
        ]);
        return syncRunFromRow(row);
      });
    },

    async listRuns(environmentId, limit) {
      const rows = await prisma.syncRun.findMany({
        where: { environmentId },
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map(syncRunFromRow);
    },
  };
}

function syncRunFromRow(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    environmentId: row.environmentId,
    status: row.status.toLowerCase() as SyncRun["status"],
    trigger: row.trigger,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    discovered: row.discovered,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    markedGone: row.markedGone,
    failures: row.failures as SyncRun["failures"],
    error: row.error,
  };
}
