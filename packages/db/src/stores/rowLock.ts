import type { Prisma } from "../generated/prisma/client.ts";

/**
 * Locks one row `FOR UPDATE` for the rest of the transaction, so that a check
 * and the write that follows cannot interleave with another writer's (Prisma
 * has no locking read). False when the row does not exist.
 */
export async function lockRow(
  tx: Prisma.TransactionClient,
  table: "environments" | "resources" | "operations",
  id: string,
): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${table}" WHERE id = $1::uuid FOR UPDATE`, id);
  return rows.length > 0;
}
