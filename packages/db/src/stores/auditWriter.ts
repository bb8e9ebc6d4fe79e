import type { AuditContext } from "@fastier/core";
import type { Prisma } from "../generated/prisma/client.ts";

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
      before: asJson(entry.before),
      after: asJson(entry.after),
      requestId: context.requestId,
    },
  });
}

// Dates become ISO strings, exactly as the API shows them.
function asJson(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}
