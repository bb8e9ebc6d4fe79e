import type pg from "pg";

/**
 * The one way plain-`pg` code opens a transaction (packages/db/README.md): runs `work` on one
 * pooled connection between BEGIN and COMMIT, rolls back and rethrows `work`'s error if it throws.
 * A connection that cannot even roll back is in an unknown state: it is released with that error,
 * so the pool destroys it instead of handing it to the next caller.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await transaction(client, work, (rollbackError) => {
      broken = rollbackError;
    });
  } finally {
    client.release(broken);
  }
}

/**
 * The same on a connection the caller holds for longer than one transaction (the migration
 * runner's, which keeps a session advisory lock across migrations). The caller owns that
 * connection and must end it when this throws: after a failed ROLLBACK it is not fit for reuse.
 */
export function inTransactionOn<C extends pg.ClientBase, T>(client: C, work: (client: C) => Promise<T>): Promise<T> {
  return transaction(client, work, () => {});
}

async function transaction<C extends pg.ClientBase, T>(
  client: C,
  work: (client: C) => Promise<T>,
  onRollbackFailed: (error: Error) => void,
): Promise<T> {
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      onRollbackFailed(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    });
    throw error;
  }
}
