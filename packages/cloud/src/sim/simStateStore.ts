import type pg from "pg";
import type { SimClock } from "./simClock.ts";
import { SIM_STATE_SCHEMA, type SimChange, type SimWorld } from "./simState.ts";
import { advanceWorld, effectiveNow } from "./worldTransitions.ts";

/**
 * Keeps a simulated account in one `sim_accounts` row. Each call locks the
 * row, brings the world up to now, applies the change and writes it back in
 * one transaction, so the API and worker processes share one consistent world
 * and it survives restarts.
 */
export interface SimStateStore {
  transact<T>(change: (world: SimWorld, now: number) => SimChange<T>): Promise<T>;
}

export interface SimStateStoreOptions {
  pool: pg.Pool;
  /** The row id. */
  accountId: string;
  clock: SimClock;
  /** The world to start with when the row does not exist yet. */
  seed: (now: number) => SimWorld;
}

const SELECT_FOR_UPDATE = "SELECT state FROM sim_accounts WHERE id = $1 FOR UPDATE";

export function createSimStateStore(options: SimStateStoreOptions): SimStateStore {
  const { pool, accountId, clock, seed } = options;

  async function lockWorld(client: pg.PoolClient): Promise<SimWorld> {
    const found = await client.query<{ state: SimWorld }>(SELECT_FOR_UPDATE, [accountId]);
    if (found.rows[0]) return found.rows[0].state;
    // Two processes may start at once: one insert wins, the other waits for it and then locks the winner's row.
    await client.query(
      "INSERT INTO sim_accounts (id, state, version, updated_at) VALUES ($1, $2::jsonb, 1, now()) ON CONFLICT (id) DO NOTHING",
      [accountId, JSON.stringify(seed(clock.now().getTime()))],
    );
    const seeded = await client.query<{ state: SimWorld }>(SELECT_FOR_UPDATE, [accountId]);
    if (!seeded.rows[0]) throw new Error(`simulated account ${accountId} could not be created`);
    return seeded.rows[0].state;
  }

  return {
    async transact(change) {
      const client = await pool.connect();
      let released = false;
      try {
        await client.query("BEGIN");
        const stored = await lockWorld(client);
        if (stored.schema !== SIM_STATE_SCHEMA) {
          throw new Error(
            `simulated account ${accountId} is stored in format ${stored.schema}, this version reads ${SIM_STATE_SCHEMA}; delete its sim_accounts row to start a new simulation`,
          );
        }
        const now = effectiveNow(stored, clock.now().getTime());
        const { world, result } = change(advanceWorld(stored, now), now);
        if (world !== stored) {
          await client.query(
            "UPDATE sim_accounts SET state = $2::jsonb, version = version + 1, updated_at = now() WHERE id = $1",
            [accountId, JSON.stringify(world)],
          );
        }
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          // A connection that cannot roll back is not fit for reuse.
          client.release(rollbackError as Error);
          released = true;
        });
        throw error;
      } finally {
        if (!released) client.release();
      }
    },
  };
}
