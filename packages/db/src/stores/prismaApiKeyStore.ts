import { type ApiKeyStore, type AuditContext, ConflictError, type NewApiKey, NotFoundError } from "@fastier/core";
import type pg from "pg";
import { LOCK_KEYS } from "../advisoryLock.ts";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { writeAudit } from "./auditWriter.ts";
import { type ApiKeySummaryRow, apiKeyFromRow, toDbRole } from "./rowMapping.ts";

const KEY_BY_HASH = `SELECT id, name, role, prefix, created_by AS "createdBy", created_at AS "createdAt",
         last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
    FROM api_keys WHERE hash = $1`;

/**
 * API keys. With `pool`, the two queries every authenticated request makes
 * (look-up by hash, last-used time) go through plain `pg`: Prisma's client
 * engine compiles each query on the fly, which a cold Lambda pays for on its
 * first request.
 */
export function createPrismaApiKeyStore(prisma: PrismaClient, pool?: pg.Pool): ApiKeyStore {
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
      const row = pool
        ? ((await pool.query<ApiKeySummaryRow>(KEY_BY_HASH, [hash])).rows[0] ?? null)
        : await prisma.apiKey.findUnique({ where: { hash } });
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
      if (pool) await pool.query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", [id, at]);
      else await prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
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
