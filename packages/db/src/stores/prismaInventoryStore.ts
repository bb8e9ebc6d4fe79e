import {
  type AuditContext,
  ConflictError,
  type Environment,
  type EnvironmentPatch,
  type EnvironmentQuery,
  type InventoryStore,
  type NewEnvironment,
  NotFoundError,
  type Resource,
  type ResourceQuery,
  type ResourceRecord,
  type ResourceSpec,
  StaleVersionError,
} from "@fastier/core";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DatabaseHandle } from "../prismaClient.ts";
import { writeAudit } from "./auditWriter.ts";
import { queryEnvironmentPage } from "./environmentListQuery.ts";
import { toPage } from "./keyset.ts";
import { translatePrismaError } from "./prismaErrors.ts";
import type { ResourceColumnsRow } from "./resourceColumns.ts";
import { resourceListQuery } from "./resourceListQuery.ts";
import { lockRow } from "./rowLock.ts";
import { environmentFromRow, resourceFromRow, resourceSpecColumns, toDbKind } from "./rowMapping.ts";

/** The inventory on PostgreSQL: Prisma for everything but the two list queries, which are plain pg. */
export function createInventoryStore({ prisma, pool }: Pick<DatabaseHandle, "prisma" | "pool">): InventoryStore {
  return {
    async listEnvironments(query: EnvironmentQuery) {
      const rows = await queryEnvironmentPage(pool, query.limit, query.after);
      return toPage(rows, query.limit, "name", (row) => row.name, environmentFromRow);
    },

    async getEnvironment(id) {
      const row = await prisma.environment.findUnique({ where: { id } });
      return row ? environmentFromRow(row) : null;
    },

    async findEnvironmentByName(name) {
      const row = await prisma.environment.findUnique({ where: { name } });
      return row ? environmentFromRow(row) : null;
    },

    async createEnvironment(input: NewEnvironment, audit: AuditContext) {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.environment.create({
            data: {
              name: input.name,
              description: input.description ?? "",
              region: input.region,
              accountId: input.accountId ?? null,
              tags: input.tags ?? {},
            },
          });
          const created = environmentFromRow(row);
          await writeAudit(tx, audit, {
            action: "environment.create",
            targetType: "environment",
            targetId: row.id,
            after: created,
          });
          return created;
        });
      } catch (error) {
        translatePrismaError(error, { unique: `an environment named ${input.name} already exists` });
      }
    },

    async updateEnvironment(id, expectedVersion, patch: EnvironmentPatch, audit) {
      try {
        return await prisma.$transaction(async (tx) => {
          const current = await lockedEnvironment(tx, id, expectedVersion);
          const row = await tx.environment.update({
            where: { id },
            data: {
              ...(patch.name !== undefined && { name: patch.name }),
              ...(patch.description !== undefined && { description: patch.description }),
              ...(patch.region !== undefined && { region: patch.region }),
              ...(patch.accountId !== undefined && { accountId: patch.accountId }),
              ...(patch.tags !== undefined && { tags: patch.tags }),
              version: { increment: 1 },
            },
          });
          const updated = environmentFromRow(row);
          await writeAudit(tx, audit, {
            action: "environment.update",
            targetType: "environment",
            targetId: id,
            before: current,
            after: updated,
          });
          return updated;
        });
      } catch (error) {
        translatePrismaError(error, { unique: `an environment named ${patch.name} already exists` });
      }
    },

    async deleteEnvironment(id, expectedVersion, audit) {
      await prisma.$transaction(async (tx) => {
        const current = await lockedEnvironment(tx, id, expectedVersion);
        const resources = await tx.resource.count({ where: { environmentId: id } });
        if (resources > 0) {
          throw new ConflictError(
            "environment_not_empty",
            `environment ${current.name} still has ${resources} resources; delete them first`,
            { resources },
          );
        }
        await tx.environment.delete({ where: { id } });
        await writeAudit(tx, audit, {
          action: "environment.delete",
          targetType: "environment",
          targetId: id,
          before: current,
        });
      });
    },

    async listResources(query: ResourceQuery) {
      const { rows } = await pool.query<ResourceColumnsRow>(resourceListQuery(query));
      const column = query.sort.replace(/^-/, "") as "name" | "createdAt" | "updatedAt";
      return toPage(
        rows,
        query.limit,
        query.sort,
        (row) => (column === "name" ? row.name : row[column].toISOString()),
        resourceFromRow,
      );
    },

    async getResource(id) {
      const row = await prisma.resource.findUnique({ where: { id } });
      return row ? resourceFromRow(row) : null;
    },

    async findResourceByCloudId(environmentId, kind, cloudId) {
      const row = await prisma.resource.findUnique({
        where: { environmentId_kind_cloudId: { environmentId, kind: toDbKind(kind), cloudId } },
      });
      return row ? resourceFromRow(row) : null;
    },

    async createResource(record: ResourceRecord, audit) {
      try {
        return await prisma.$transaction(async (tx) => {
          await assertParentInEnvironment(tx, record.parentId, record.environmentId);
          const row = await tx.resource.create({
            data: {
              ...resourceSpecColumns(record),
              environmentId: record.environmentId,
              kind: toDbKind(record.kind),
              cloudId: record.cloudId,
            },
          });
          const created = resourceFromRow(row);
          await writeAudit(tx, audit, {
            action: "resource.create",
            targetType: "resource",
            targetId: row.id,
            after: created,
          });
          return created;
        });
      } catch (error) {
        translatePrismaError(error, {
          unique: `a ${record.kind} with cloudId ${record.cloudId} already exists in this environment`,
          foreignKey: `environment ${record.environmentId} does not exist`,
        });
      }
    },

    async updateResource(id, expectedVersion, apply: (current: Resource) => ResourceSpec & { name: string }, audit) {
      return prisma.$transaction(async (tx) => {
        const current = await lockedResource(tx, id, expectedVersion);
        const next = apply(current);
        if (next.parentId !== current.parentId)
          await assertParentInEnvironment(tx, next.parentId, current.environmentId, id);
        const row = await tx.resource.update({
          where: { id },
          data: { ...resourceSpecColumns(next), version: { increment: 1 } },
        });
        const updated = resourceFromRow(row);
        await writeAudit(tx, audit, {
          action: "resource.update",
          targetType: "resource",
          targetId: id,
          before: current,
          after: updated,
        });
        return updated;
      });
    },

    async deleteResource(id, expectedVersion, audit) {
      await prisma.$transaction(async (tx) => {
        const current = await lockedResource(tx, id, expectedVersion);
        // No foreign key carries series and samples away (see MetricSeries in schema.prisma): they go here, with the resource.
        const series = await tx.metricSeries.findMany({ where: { resourceId: id }, select: { id: true } });
        await tx.metricSample.deleteMany({ where: { seriesId: { in: series.map((s) => s.id) } } });
        await tx.metricSeries.deleteMany({ where: { resourceId: id } });
        await tx.resource.delete({ where: { id } });
        await writeAudit(tx, audit, {
          action: "resource.delete",
          targetType: "resource",
          targetId: id,
          before: current,
        });
      });
    },
  };
}

async function lockedEnvironment(tx: Prisma.TransactionClient, id: string, expectedVersion: number | undefined) {
  if (!(await lockRow(tx, "environments", id))) throw new NotFoundError("environment", id);
  const current = environmentFromRow(await tx.environment.findUniqueOrThrow({ where: { id } })) satisfies Environment;
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new StaleVersionError("environment", id, expectedVersion, current.version);
  }
  return current;
}

async function lockedResource(tx: Prisma.TransactionClient, id: string, expectedVersion: number | undefined) {
  if (!(await lockRow(tx, "resources", id))) throw new NotFoundError("resource", id);
  const current = resourceFromRow(await tx.resource.findUniqueOrThrow({ where: { id } }));
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new StaleVersionError("resource", id, expectedVersion, current.version);
  }
  return current;
}

async function assertParentInEnvironment(
  tx: Prisma.TransactionClient,
  parentId: string | null,
  environmentId: string,
  selfId?: string,
) {
  if (!parentId) return;
  const problem = (message: string) => new ConflictError("parent_invalid", message, { parentId });
  if (parentId === selfId) throw problem("a resource cannot be its own parent");
  const parent = await tx.resource.findUnique({ where: { id: parentId }, select: { environmentId: true } });
  if (!parent) throw problem(`parent resource ${parentId} does not exist`);
  if (parent.environmentId !== environmentId) throw problem(`parent resource ${parentId} is in another environment`);
}
