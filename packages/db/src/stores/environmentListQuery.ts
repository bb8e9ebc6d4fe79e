import type { CursorPosition } from "@fastier/core";
import type pg from "pg";

/**
 * The environment columns plain-pg reads select, named like Prisma's `Environment` model so that
 * rows read either way map through the same `environmentFromRow`.
 */
const ENVIRONMENT_COLUMNS = `id, name, description, region, account_id AS "accountId", tags, version,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A row of `ENVIRONMENT_COLUMNS` as pg returns it (jsonb parsed). */
export interface EnvironmentColumnsRow {
  id: string;
  name: string;
  description: string;
  region: string;
  accountId: string | null;
  tags: unknown;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One page of environments by (name, id), `limit + 1` rows. Plain pg: it is the list a cold Lambda
 * most often answers first, and through Prisma that first answer waited on its query compiler being
 * loaded and the query compiled (npm run bench:cold-start).
 */
export async function queryEnvironmentPage(
  pool: pg.Pool,
  limit: number,
  after: CursorPosition | undefined,
): Promise<EnvironmentColumnsRow[]> {
  const { rows } = await pool.query<EnvironmentColumnsRow>(
    `SELECT ${ENVIRONMENT_COLUMNS} FROM environments
      WHERE $1::text IS NULL OR (name, id) > ($1::text, $2::uuid)
      ORDER BY name, id LIMIT $3`,
    [after ? String(after.value) : null, after?.id ?? null, limit + 1],
  );
  return rows;
}
