import {
  DEFAULT_DRILL_SCHEDULE,
  type DrDrillPointInTime,
  type DrDrillRecord,
  type DrDrillSchedule,
  type DrDrillStore,
  type DrObjectives,
  NO_DR_OBJECTIVES,
  NotFoundError,
} from "@fastier/core";
import type { DrDrill, DrSettings, PrismaClient } from "../generated/prisma/client.ts";
import { writeAudit } from "./auditWriter.ts";
import { keysetOrder, keysetWhere, toPage } from "./keyset.ts";

export function drDrillFromRow(row: DrDrill): DrDrillRecord {
  return {
    id: row.id,
    operationId: row.operationId,
    environmentId: row.environmentId,
    sourceResourceId: row.sourceResourceId,
    sourceIdentifier: row.sourceIdentifier,
    scratchIdentifier: row.scratchIdentifier,
    pointInTime: row.pointInTime as DrDrillPointInTime,
    outcome: row.outcome as DrDrillRecord["outcome"],
    errorCode: row.errorCode,
    message: row.message,
    requestedAt: row.requestedAt,
    restoredPointAt: row.restoredPointAt,
    availableAt: row.availableAt,
    deletedAt: row.deletedAt,
    measuredRtoSeconds: row.measuredRtoSeconds,
    achievedRpoSeconds: row.achievedRpoSeconds,
    checkPassed: row.checkPassed,
    checkProblems: Array.isArray(row.checkProblems) ? row.checkProblems.map(String) : [],
    finishedAt: row.finishedAt,
  };
}

const scheduleOf = (row: DrSettings | null): DrDrillSchedule =>
  row
    ? {
        enabled: row.drillEnabled,
        everyDays: row.drillEveryDays,
        pointInTime: row.drillPointInTime as DrDrillPointInTime,
      }
    : DEFAULT_DRILL_SCHEDULE;
const objectivesOf = (row: DrSettings | null): DrObjectives =>
  row ? { rtoMinutes: row.rtoObjectiveMinutes, rpoMinutes: row.rpoObjectiveMinutes } : NO_DR_OBJECTIVES;

export function createDrDrillStore(prisma: PrismaClient): DrDrillStore {
  async function settingsOf(environmentId: string): Promise<DrSettings | null> {
    const environment = await prisma.environment.findUnique({ where: { id: environmentId }, select: { id: true } });
    if (!environment) throw new NotFoundError("environment", environmentId);
    return prisma.drSettings.findUnique({ where: { environmentId } });
  }

  /** Upserts the environment's settings with the given columns, audited in the same transaction. */
  async function writeSettings(
    environmentId: string,
    columns: Partial<Omit<DrSettings, "environmentId" | "updatedAt" | "updatedByName">>,
    audit: Parameters<typeof writeAudit>[1],
    action: string,
    after: object,
  ): Promise<DrSettings> {
    return prisma.$transaction(async (tx) => {
      const environment = await tx.environment.findUnique({ where: { id: environmentId }, select: { id: true } });
      if (!environment) throw new NotFoundError("environment", environmentId);
      const data = { ...columns, updatedByName: audit.actor.name };
      const row = await tx.drSettings.upsert({
        where: { environmentId },
        create: { environmentId, ...data },
        update: data,
      });
      await writeAudit(tx, audit, { action, targetType: "environment", targetId: environmentId, after });
      return row;
    });
  }

  return {
    async list(sourceResourceId, page) {
      const rows = await prisma.drDrill.findMany({
        where: { sourceResourceId, ...keysetWhere("requestedAt", true, page.after, true) },
        orderBy: keysetOrder("requestedAt", true),
        take: page.limit + 1,
      });
      return toPage(rows, page.limit, "-requestedAt", (row) => row.requestedAt.toISOString(), drDrillFromRow);
    },

    async latest(sourceResourceIds) {
      const found = new Map<string, { last: DrDrillRecord; lastSucceeded: DrDrillRecord | null }>();
      if (sourceResourceIds.length === 0) return found;
      const newest = (where: object) =>
        prisma.drDrill.findMany({
          where: { sourceResourceId: { in: sourceResourceIds }, ...where },
          orderBy: [{ sourceResourceId: "asc" }, { requestedAt: "desc" }, { id: "desc" }],
          distinct: ["sourceResourceId"],
        });
      const [last, succeeded] = await Promise.all([newest({}), newest({ outcome: "succeeded" })]);
      const succeededBy = new Map(succeeded.map((row) => [row.sourceResourceId, drDrillFromRow(row)]));
      for (const row of last) {
        found.set(row.sourceResourceId, {
          last: drDrillFromRow(row),
          lastSucceeded: succeededBy.get(row.sourceResourceId) ?? null,
        });
      }
      return found;
    },

    getSchedule: async (environmentId) => scheduleOf(await settingsOf(environmentId)),

    async setSchedule(environmentId, schedule, audit) {
      const row = await writeSettings(
        environmentId,
        { drillEnabled: schedule.enabled, drillEveryDays: schedule.everyDays, drillPointInTime: schedule.pointInTime },
        audit,
        "environment.dr_drill_schedule",
        schedule,
      );
      return scheduleOf(row);
    },

    async scheduledEnvironments() {
      const rows = await prisma.drSettings.findMany({
        where: { drillEnabled: true },
        orderBy: { environmentId: "asc" },
      });
      return rows.map((row) => ({ environmentId: row.environmentId, schedule: scheduleOf(row) }));
    },

    getObjectives: async (environmentId) => objectivesOf(await settingsOf(environmentId)),

    async setObjectives(environmentId, objectives, audit) {
      const row = await writeSettings(
        environmentId,
        { rtoObjectiveMinutes: objectives.rtoMinutes, rpoObjectiveMinutes: objectives.rpoMinutes },
        audit,
        "environment.dr_objectives",
        objectives,
      );
      return objectivesOf(row);
    },
  };
}
