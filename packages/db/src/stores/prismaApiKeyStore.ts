import { type ApiKeyStore, type AuditContext, ConflictError, type NewApiKey, NotFoundError } from "@fastier/core";
import { LOCK_KEYS } from "../advisoryLock.ts";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { writeAudit } from "./auditWriter.ts";
import { apiKeyFromRow, toDbRole } from "./rowMapping.ts";

export function createPrismaApiKeyStore(prisma: PrismaClient): ApiKeyStore {
  return {
    create(key, audit) {
      return prisma.$transaction((tx) => insertKey(tx, key, audit));
    },

    async createIfNoneExist(key, audit) {
      return prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_KEYS.apiKeys})`);
        if ((await tx.apiKey.count()) > 0) return null;
        return insertKey(tx, key, audit);
      });
    },

    async findActiveByHash(hash) {
      const row = await prisma.apiKey.findUnique({ where: { hash } });
      return row && !row.revokedAt ? apiKeyFromRow(row) : null;
    },

    async list(includeRevoked) {
      const rows = await prisma.apiKey.findMany({
        where: includeRevoked ? {} : { revokedAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      return rows.map(apiKeyFromRow);
    },

    async revoke(id, audit) {
      return prisma.$transaction(async (tx) => {
        // Serialise key changes so two admins cannot each revoke the other's last key.
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_KEYS.apiKeys})`);
        const current = await tx.apiKey.findUnique({ where: { id } });
        if (!current) throw new NotFoundError("api_key", id);
        if (current.revokedAt) return apiKeyFromRow(current);
        if (current.role === "ADMIN") {
          const otherAdmins = await tx.apiKey.count({ where: { role: "ADMIN", revokedAt: null, id: { not: id } } });
          if (otherAdmins === 0) {
            throw new ConflictError(
              "last_admin_key",
              "this is the only active admin key; create another admin key before revoking it",
            );
          }
        }
        const row = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
        const revoked = apiKeyFromRow(row);
        await writeAudit(tx, audit, {
          action: "api_key.revoke",
          targetType: "api_key",
          targetId: id,
          before: apiKeyFromRow(current),
          after: revoked,
        });
        return revoked;
      });
    },

    count() {
      return prisma.apiKey.count();
    },

    async touch(id, at) {
      await prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
    },
  };
}

async function insertKey(tx: Prisma.TransactionClient, key: NewApiKey, audit: AuditContext) {
  const row = await tx.apiKey.create({
    data: { name: key.name, role: toDbRole(key.role), prefix: key.prefix, hash: key.hash, createdBy: key.createdBy },
  });
  const created = apiKeyFromRow(row);
  await writeAudit(tx, audit, { action: "api_key.create", targetType: "api_key", targetId: row.id, after: created });
  return created;
}
