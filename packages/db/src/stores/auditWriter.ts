import type { AuditContext } from "@fastier/core";
import type { Prisma } from "../generated/prisma/client.ts";
import { toJsonValue } from "./jsonValue.ts";

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit event inside the caller's transaction. */
export async function writeAudit(tx: Prisma.TransactionClient, context: AuditContext, entry: AuditEntry) {
  await tx.auditEvent.create({
    data: {
      actorKeyId: context.actor.keyId,
      actorName: context.actor.name,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: entry.before === undefined ? undefined : toJsonValue(entry.before),
      after: entry.after === undefined ? undefined : toJsonValue(entry.after),
      requestId: context.requestId,
    },
  });
}
