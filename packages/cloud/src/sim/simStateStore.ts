import { inTransaction } from "@fastier/db/pgTransaction";
import type pg from "pg";
import type { SimClock } from "./simClock.ts";
import { SIM_STATE_SCHEMA, type SimChange, type SimWorld } from "./simState.ts";
import { upgradeSimWorld } from "./simStateUpgrade.ts";
import { advanceWorld, effectiveNow } from "./worldTransitions.ts";

/**
 * Keeps a simulated account in one `sim_accounts` row. Each call locks the
 * row, brings the world up to now, applies the change and writes it back in
 * one transaction, so the API and worker processes share one consistent world
 * and it survives restarts. A read of a world that is already up to now and
 * unchanged since this process parsed it only checks the row's version.
 */
export interface SimStateStore {
  transact<T>(change: (world: SimWorld, now: number) => SimChange<T>): Promise<T>;
  /** A call that changes nothing: the same answer as a `transact` that keeps the world, often without its transaction. */
  read<T>(view: (world: SimWorld, now: number) => T): Promise<T>;
}

export interface SimStateStoreOptions {
  pool: pg.Pool;
  /** The row id. */
  accountId: string;
  clock: SimClock;
  /** The world to start with when the row does not exist yet. */
  seed: (now: number) => SimWorld;
}

/**
 * Locks the row and returns its state, unless the row is still the one the
 * caller has parsed: same version and same xmin (the transaction that wrote
 * it), so a row deleted and seeded again is not mistaken for an old one.
 */
const LOCK_ROW = `SELECT version, xmin::text AS xmin,
       CASE WHEN version = $2 AND xmin::text = $3 THEN NULL ELSE state END AS state
  FROM sim_accounts WHERE id = $1 FOR UPDATE`;

interface LockedRow {
  version: number;
  xmin: string;
  state: SimWorld | null;
}

/** Which version of the row is committed now, without waiting for a writer's lock. */
const PEEK_ROW = "SELECT version, xmin::text AS xmin FROM sim_accounts WHERE id = $1";

/** A parsed world and the row version it was read from. */
interface CachedWorld {
  version: number;
  xmin: string;
  world: SimWorld;
}

export function createSimStateStore(options: SimStateStoreOptions): SimStateStore {
  const { pool, accountId, clock, seed } = options;
  // Most calls (every GetMetricData, describe and list) change nothing: they reuse the world
  // parsed last time instead of fetching and parsing the whole document again, which on a
  // fleet of thousands of instances is megabytes per call. It is frozen, so no reader can
  // change what the next call sees; changes work on a clone, as they always have.
  let cached: CachedWorld | null = null;

  async function lockRow(client: pg.PoolClient): Promise<LockedRow | undefined> {
    const known = cached;
    const found = await client.query<LockedRow>(LOCK_ROW, [accountId, known?.version ?? null, known?.xmin ?? null]);
    const row = found.rows[0];
    if (!row) return undefined;
    if (row.state === null && known) return { ...row, state: known.world };
    return row;
  }

  async function lockWorld(client: pg.PoolClient): Promise<SimWorld> {
    let row = await lockRow(client);
    if (!row) {
      // Two processes may start at once: one insert wins, the other waits for it and then locks the winner's row.
      await client.query(
        "INSERT INTO sim_accounts (id, state, version, updated_at) VALUES ($1, $2::jsonb, 1, now()) ON CONFLICT (id) DO NOTHING",
        [accountId, JSON.stringify(seed(clock.now().getTime()))],
      );
      row = await lockRow(client);
      if (!row) throw new Error(`simulated account ${accountId} could not be created`);
    }
    const world = row.state as SimWorld;
    if (cached?.world !== world) cached = { version: row.version, xmin: row.xmin, world: deepFreeze(world) };
    return world;
  }

  /** The stored world in this version's format, and the time a call acts at. */
  function current(stored: SimWorld): { world: SimWorld; now: number } {
    const world = upgradeSimWorld(stored);
    if (world.schema !== SIM_STATE_SCHEMA) {
      throw new Error(
        `simulated account ${accountId} is stored in format ${world.schema}, this version reads ${SIM_STATE_SCHEMA}; delete its sim_accounts row to start a new simulation`,
      );
    }
    return { world, now: effectiveNow(world, clock.now().getTime()) };
  }

  function transact<T>(change: (world: SimWorld, now: number) => SimChange<T>): Promise<T> {
    return inTransaction(pool, async (client) => {
      const { world: stored, now } = current(await lockWorld(client));
      const { world, result } = change(advanceWorld(stored, now), now);
      if (world !== stored) {
        await client.query(
          "UPDATE sim_accounts SET state = $2::jsonb, version = version + 1, updated_at = now() WHERE id = $1",
          [accountId, JSON.stringify(world)],
        );
        // The row's next reader parses what was stored (jsonb orders keys its own way), not this object.
        cached = null;
      }
      return result;
    });
  }

  return {
    transact,
    async read(view) {
      // A sweep makes a GetMetricData call per 500 series, each a read of a world that has not changed
      // since the last call: when the committed row is still the parsed one and no time has to pass
      // in it, one statement confirms that and the row lock's transaction (three round trips to a
      // database busy writing the sweep's samples) is not needed. A writer holding the lock has not
      // committed, so the world read here is the latest any call has returned.
      const known = cached;
      if (known) {
        const { rows } = await pool.query<{ version: number; xmin: string }>(PEEK_ROW, [accountId]);
        const row = rows[0];
        if (row?.version === known.version && row.xmin === known.xmin) {
          const { world, now } = current(known.world);
          if (advanceWorld(world, now) === world) return view(world, now);
        }
      }
      return transact((world, now) => ({ world, result: view(world, now) }));
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
