import { randomUUID } from "node:crypto";
import { type AuditContext, EMPTY_RESOURCE_SPEC, type InventoryEffect } from "@fastier/core";
import type { Prisma } from "../generated/prisma/client.ts";
import { writeAudit } from "./auditWriter.ts";
import { resourceFromRow, resourceSpecColumns, toDbKind } from "./rowMapping.ts";

/**
 * Writes what a verified operation changed into the inventory, in the caller's
 * transaction, with an audit event per resource (the actor is the operation).
 */
export async function applyInventoryEffect(
  tx: Prisma.TransactionClient,
  environmentId: string,
  effect: InventoryEffect,
  audit: AuditContext,
) {
  for (const update of effect.updates) {
    const row = await tx.resource.findUnique({ where: { id: update.resourceId } });
    if (!row) continue;
    const current = resourceFromRow(row);
    const { database, ...rest } = update.changes;
    const next = {
      ...current,
      ...rest,
      database: database === undefined ? current.database : database && { ...current.database, ...database },
    };
    const updated = await tx.resource.update({
      where: { id: current.id },
      data: { ...resourceSpecColumns(next), version: { increment: 1 } },
    });
    await writeAudit(tx, audit, {
      action: "resource.update",
      targetType: "resource",
      targetId: current.id,
      before: current,
      after: resourceFromRow(updated),
    });
  }
  for (const create of effect.creates) {
    const id = randomUUID();
    const row = await tx.resource.upsert({
      where: { environmentId_kind_cloudId: { environmentId, kind: toDbKind(create.kind), cloudId: create.cloudId } },
      create: {
        id,
        environmentId,
        kind: toDbKind(create.kind),
        cloudId: create.cloudId,
        ...resourceSpecColumns({ ...EMPTY_RESOURCE_SPEC, ...create.spec, name: create.name }),
      },
      update: {},
    });
    if (row.id === id) {
      await writeAudit(tx, audit, {
        action: "resource.create",
        targetType: "resource",
        targetId: id,
        after: resourceFromRow(row),
      });
    }
  }
}
