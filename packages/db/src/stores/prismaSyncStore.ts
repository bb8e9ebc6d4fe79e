import { randomUUID } from "node:crypto";
import {
  type AuditContext,
  type DesiredResource,
  keyOf,
  NotFoundError,
  type Resource,
  type SyncPlan,
  type SyncRun,
  type SyncStore,
} from "@fastier/core";
import type { Prisma, PrismaClient, SyncRun as SyncRunRow } from "../generated/prisma/client.ts";
import { writeAudit } from "./auditWriter.ts";
import { toJsonValue } from "./jsonValue.ts";
import { onPrismaTransaction, writeNotifications } from "./notificationOutbox.ts";
import { lockRow } from "./rowLock.ts";
import { resourceFromRow, resourceSpecColumns, toDbKind } from "./rowMapping.ts";

// Large environments (thousands of instances) must not hit the interactive transaction's default 5 s limit.
const SYNC_TRANSACTION = { timeout: 120_000, maxWait: 30_000 };

export function createPrismaSyncStore(prisma: PrismaClient): SyncStore {
  return {
    async startRun(environmentId, trigger) {
      return syncRunFromRow(await prisma.syncRun.create({ data: { environmentId, trigger } }));
    },

    async applySync(runId, environmentId, plan, audit, now, failures) {
      return prisma.$transaction(async (tx) => {
        // Serialises syncs of one environment; inventory edits of single resources lock rows, not this.
        if (!(await lockRow(tx, "environments", environmentId))) throw new NotFoundError("environment", environmentId);
        const inventory = (await tx.resource.findMany({ where: { environmentId } })).map(resourceFromRow);
        const decided = plan(inventory);
        const idsByKey = new Map(inventory.map((r) => [keyOf(r.kind, r.cloudId), r.id]));

        await createDiscovered(tx, environmentId, decided.create, idsByKey, audit, now);
        await updateDrifted(tx, decided.update, audit, now);
        await touchUnchanged(tx, decided.unchanged, now);
        await markGone(tx, decided.markGone, audit, now);
        await linkParents(tx, decided, inventory, idsByKey);

        const row = await tx.syncRun.update({
          where: { id: runId },
          data: {
            status: "SUCCEEDED",
            finishedAt: now,
            discovered: decided.create.length + decided.update.length + decided.unchanged.length,
            created: decided.create.length,
            updated: decided.update.length,
            unchanged: decided.unchanged.length,
            markedGone: decided.markGone.length,
            failures: toJsonValue(failures),
          },
        });
        return syncRunFromRow(row);
      }, SYNC_TRANSACTION);
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

async function createDiscovered(
  tx: Prisma.TransactionClient,
  environmentId: string,
  created: DesiredResource[],
  idsByKey: Map<string, string>,
  audit: AuditContext,
  now: Date,
) {
  if (created.length === 0) return;
  const rows = created.map((desired) => {
    const id = randomUUID();
    idsByKey.set(keyOf(desired.kind, desired.cloudId), id);
    return {
      id,
      environmentId,
      kind: toDbKind(desired.kind),
      cloudId: desired.cloudId,
      ...resourceSpecColumns({ ...desired.spec, parentId: null, name: desired.name }),
      lastSyncedAt: now,
    };
  });
  await inBatches(rows, (batch) => tx.resource.createMany({ data: batch }));
  const events = rows.map((row, index) => ({
    actorKeyId: audit.actor.keyId,
    actorName: audit.actor.name,
    action: "resource.discover",
    targetType: "resource",
    targetId: row.id,
    after: toJsonValue({ kind: created[index]?.kind, cloudId: row.cloudId, name: row.name, ...created[index]?.spec }),
    requestId: audit.requestId,
  }));
  await inBatches(events, (batch) => tx.auditEvent.createMany({ data: batch }));
}

/**
 * Rows per createMany. Prisma splits a larger one at PostgreSQL's bind
 * parameter limit and, in an interactive transaction, sends the pieces at once
 * on the transaction's single connection, which pg deprecates (an error in
 * pg 9). A resource row has about twenty columns, so a thousand rows stay one
 * statement, and the batches go one after another.
 */
const CREATE_BATCH_ROWS = 1_000;

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CREATE_BATCH_ROWS) {
    await write(rows.slice(start, start + CREATE_BATCH_ROWS));
  }
}

async function updateDrifted(
  tx: Prisma.TransactionClient,
  updates: SyncPlan["update"],
  audit: AuditContext,
  now: Date,
) {
  for (const { current, desired, changes } of updates) {
    const row = await tx.resource.update({
      where: { id: current.id },
      data: {
        ...resourceSpecColumns({ ...desired.spec, parentId: current.parentId, name: desired.name }),
        goneAt: null,
        lastSyncedAt: now,
        version: { increment: 1 },
      },
    });
    await writeAudit(tx, audit, {
      action: "resource.drift",
      targetType: "resource",
      targetId: current.id,
      before: current,
      after: { ...resourceFromRow(row), changes: changes.map((change) => change.field) },
    });
  }
}

async function touchUnchanged(tx: Prisma.TransactionClient, unchanged: SyncPlan["unchanged"], now: Date) {
  // Restorable times move on their own and are not drift, but the inventory should show the current ones.
  for (const { current, desired } of unchanged) {
    const database = desired.spec.database;
    if (!database || !current.database) continue;
    const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
    if (
      same(current.database.earliestRestorableTime, database.earliestRestorableTime) &&
      same(current.database.latestRestorableTime, database.latestRestorableTime)
    ) {
      continue;
    }
    await tx.resource.update({
      where: { id: current.id },
      data: {
        earliestRestorableTime: database.earliestRestorableTime,
        latestRestorableTime: database.latestRestorableTime,
      },
    });
  }
  const ids = unchanged.map(({ current }) => current.id);
  for (let start = 0; start < ids.length; start += 5_000) {
    await tx.resource.updateMany({
      where: { id: { in: ids.slice(start, start + 5_000) } },
      data: { lastSyncedAt: now },
    });
  }
}

async function markGone(tx: Prisma.TransactionClient, gone: Resource[], audit: AuditContext, now: Date) {
  for (const resource of gone) {
    await tx.resource.update({
      where: { id: resource.id },
      data: { status: "GONE", goneAt: now, version: { increment: 1 } },
    });
    await writeAudit(tx, audit, {
      action: "resource.gone",
      targetType: "resource",
      targetId: resource.id,
      before: resource,
      after: { status: "gone", goneAt: now },
    });
  }
}

/** Parents are named by cloud id in discovery; resolve them once every row exists. */
async function linkParents(
  tx: Prisma.TransactionClient,
  plan: SyncPlan,
  inventory: Resource[],
  idsByKey: Map<string, string>,
) {
  const idsByCloudId = new Map<string, string>();
  for (const [key, id] of idsByKey) idsByCloudId.set(key.slice(key.indexOf("\u0000") + 1), id);
  const currentParent = new Map(inventory.map((r) => [r.id, r.parentId]));
  const all = [
    ...plan.create.map((desired) => ({ desired, id: idsByKey.get(keyOf(desired.kind, desired.cloudId)) })),
    ...plan.update.map(({ current, desired }) => ({ desired, id: current.id })),
    ...plan.unchanged.map(({ current, desired }) => ({ desired, id: current.id })),
  ];
  for (const { desired, id } of all) {
    if (!id) continue;
    const parentId = desired.parentCloudId ? (idsByCloudId.get(desired.parentCloudId) ?? null) : null;
    if (parentId === id || (currentParent.get(id) ?? null) === parentId) continue;
    await tx.resource.update({ where: { id }, data: { parentId } });
  }
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
