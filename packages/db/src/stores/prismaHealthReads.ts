import type { AuditContext, HealthReads } from "@fastier/core";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DatabaseHandle } from "../prismaClient.ts";
import { writeAudit } from "./auditWriter.ts";
import { findingFromRow, recommendationFromRow, sweepFromRow } from "./healthRows.ts";
import { keysetOrder, keysetWhere, toPage } from "./keyset.ts";
import { toDbEnum } from "./rowMapping.ts";

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

const WITH_RESOURCE_NAME = { resource: { select: { name: true } } } as const;
type FindingWithResource = Prisma.FindingGetPayload<{ include: typeof WITH_RESOURCE_NAME }>;

function findingViewFromRow(row: FindingWithResource) {
  return { ...findingFromRow(row), resourceName: row.resource.name };
}

/** Only a recommendation still open and current may be decided on; checked again inside the update. */
const STILL_OPEN = { status: "OPEN", closedAt: null } as const;

/** The API's reads of the health tables, and the two decisions people take on a recommendation. */
export function createHealthReads({ prisma }: Pick<DatabaseHandle, "prisma">): HealthReads {
  async function decide(
    id: string,
    data: Prisma.RecommendationUpdateManyMutationInput,
    audit: AuditContext,
    event: { action: string; after: Record<string, unknown> },
  ) {
    return prisma.$transaction(async (tx) => {
      // Conditional: a sweep closing it, or another person deciding, between our read and this write wins.
      const { count } = await tx.recommendation.updateMany({ where: { id, ...STILL_OPEN }, data });
      if (count === 0) return null;
      await writeAudit(tx, audit, {
        action: event.action,
        targetType: "recommendation",
        targetId: id,
        before: { status: "open" },
        after: event.after,
      });
      return recommendationFromRow(await tx.recommendation.findUniqueOrThrow({ where: { id } }));
    }, TRANSACTION);
  }

  return {
    async listFindings(query) {
      const rows = await prisma.finding.findMany({
        where: {
          ...(query.status && { status: toDbEnum<"OPEN">(query.status) }),
          ...(query.severity && { severity: toDbEnum<"INFO">(query.severity) }),
          ...(query.ruleId && { ruleId: query.ruleId }),
          ...(query.environmentId && { environmentId: query.environmentId }),
          ...(query.resourceId && { resourceId: query.resourceId }),
          ...keysetWhere("openedAt", true, query.after, true),
        },
        include: WITH_RESOURCE_NAME,
        orderBy: keysetOrder("openedAt", true),
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, "-openedAt", (row) => row.openedAt.toISOString(), findingViewFromRow);
    },

    async getFinding(id) {
      const row = await prisma.finding.findUnique({ where: { id }, include: WITH_RESOURCE_NAME });
      return row ? findingViewFromRow(row) : null;
    },

    async recommendationsOfFinding(findingId) {
      const rows = await prisma.recommendation.findMany({
        where: { findingId },
        orderBy: keysetOrder("createdAt", true),
      });
      return rows.map(recommendationFromRow);
    },

    async listRecommendations(query) {
      const rows = await prisma.recommendation.findMany({
        where: {
          ...(query.status && { status: toDbEnum<"OPEN">(query.status) }),
          ...(query.kind && { kind: query.kind }),
          ...(query.environmentId && { environmentId: query.environmentId }),
          ...(query.resourceId && { resourceId: query.resourceId }),
          ...(query.findingId && { findingId: query.findingId }),
          ...(query.current !== undefined && { closedAt: query.current ? null : { not: null } }),
          ...keysetWhere("createdAt", true, query.after, true),
        },
        orderBy: keysetOrder("createdAt", true),
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, "-createdAt", (row) => row.createdAt.toISOString(), recommendationFromRow);
    },

    async getRecommendation(id) {
      const row = await prisma.recommendation.findUnique({ where: { id } });
      return row ? recommendationFromRow(row) : null;
    },

    markApplied(id, { operationId, at }, audit) {
      return decide(
        id,
        {
          status: "APPLIED",
          appliedOperationId: operationId,
          appliedAt: at,
          appliedBy: audit.actor.name,
          updatedAt: at,
        },
        audit,
        { action: "recommendation.apply", after: { status: "applied", operationId } },
      );
    },

    markDismissed(id, { reason, at }, audit) {
      return decide(
        id,
        { status: "DISMISSED", dismissedAt: at, dismissedBy: audit.actor.name, dismissReason: reason, updatedAt: at },
        audit,
        { action: "recommendation.dismiss", after: { status: "dismissed", reason } },
      );
    },

    async listSweeps(query) {
      const rows = await prisma.healthSweep.findMany({
        where: {
          ...(query.status && { status: toDbEnum<"RUNNING">(query.status) }),
          ...keysetWhere("startedAt", true, query.after, true),
        },
        orderBy: keysetOrder("startedAt", true),
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, "-startedAt", (row) => row.startedAt.toISOString(), sweepFromRow);
    },

    async getSweep(id) {
      const row = await prisma.healthSweep.findUnique({ where: { id } });
      return row ? sweepFromRow(row) : null;
    },
  };
}
