import { type ApprovalPolicyStore, NO_APPROVAL_POLICY, NotFoundError, type OperationKind } from "@fastier/core";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { writeAudit } from "./auditWriter.ts";
import { toDbOperationKind } from "./operationRows.ts";

export function createApprovalPolicyStore(prisma: PrismaClient): ApprovalPolicyStore {
  return {
    async get(environmentId) {
      const environment = await prisma.environment.findUnique({
        where: { id: environmentId },
        select: { approvalPolicy: true },
      });
      if (!environment) throw new NotFoundError("environment", environmentId);
      const policy = environment.approvalPolicy;
      if (!policy) return NO_APPROVAL_POLICY;
      return {
        kinds: policy.kinds.map((kind) => kind.toLowerCase() as OperationKind),
        expiresAfterMinutes: policy.expiresAfterMinutes,
      };
    },

    async set(environmentId, policy, audit) {
      return prisma.$transaction(async (tx) => {
        const environment = await tx.environment.findUnique({ where: { id: environmentId }, select: { id: true } });
        if (!environment) throw new NotFoundError("environment", environmentId);
        const kinds = [...new Set(policy.kinds)].sort();
        const data = {
          kinds: kinds.map(toDbOperationKind),
          expiresAfterMinutes: policy.expiresAfterMinutes,
          updatedByName: audit.actor.name,
        };
        await tx.approvalPolicy.upsert({ where: { environmentId }, create: { environmentId, ...data }, update: data });
        await writeAudit(tx, audit, {
          action: "environment.approval_policy",
          targetType: "environment",
          targetId: environmentId,
          after: { kinds, expiresAfterMinutes: policy.expiresAfterMinutes },
        });
        return { kinds, expiresAfterMinutes: policy.expiresAfterMinutes };
      });
    },
  };
}
