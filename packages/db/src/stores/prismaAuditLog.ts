import type { AuditLog, AuditQuery } from "@fastier/core";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { toPage } from "./keyset.ts";
import { auditEventFromRow } from "./rowMapping.ts";

export function createPrismaAuditLog(prisma: PrismaClient): AuditLog {
  return {
    async list(query: AuditQuery) {
      const where: Prisma.AuditEventWhereInput = {
        ...(query.targetType && { targetType: query.targetType }),
        ...(query.targetId && { targetId: query.targetId }),
        ...(query.actorKeyId && { actorKeyId: query.actorKeyId }),
        ...(query.action && { action: query.action }),
        ...((query.from || query.to) && {
          at: { ...(query.from && { gte: query.from }), ...(query.to && { lt: query.to }) },
        }),
        // Newest first, keyed on the ever-increasing id.
        ...(query.after && { id: { lt: BigInt(query.after.id) } }),
      };
      const rows = await prisma.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: query.limit + 1 });
      return toPage(rows, query.limit, "-id", () => null, auditEventFromRow);
    },
  };
}
