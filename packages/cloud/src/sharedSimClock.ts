import { inTransaction } from "@fastier/db/pgTransaction";
import type pg from "pg";
import type { SimClock } from "./sim/index.ts";

/** Row of `sim_accounts` that holds the simulated clock every process shares. */
const CLOCK_ROW = "~clock";

interface ClockOrigin {
  originRealMs: number;
  originSimMs: number;
  scale: number;
}

/**
 * Simulated time that every process (API, worker, CLI) agrees on: the origin
 * is stored in the database by the first process and read by the others, so
 * with SIM_TIME_SCALE=60 they all see the same accelerated minute. A process
 * started with another scale rebases the clock at the current simulated time.
 */
/**
 * Where a new simulation starts: "now", or the latest moment at or before now
 * with that UTC time of day. "16:30" puts a new account half an hour before
 * its daily peak, so memory pressure shows within minutes of a first start.
 */
export function simulationStart(realNowMs: number, start: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(start);
  if (!match) return realNowMs;
  const day = new Date(realNowMs);
  const today = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), Number(match[1]), Number(match[2]));
  return today <= realNowMs ? today : today - 86_400_000;
}

export async function openSharedSimClock(pool: pg.Pool, scale: number, start = "now"): Promise<SimClock> {
  const origin = await inTransaction(pool, async (client) => {
    const now = Date.now();
    await client.query(`INSERT INTO sim_accounts (id, state) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
      CLOCK_ROW,
      { originRealMs: now, originSimMs: simulationStart(now, start), scale } satisfies ClockOrigin,
    ]);
    const { rows } = await client.query<{ state: ClockOrigin }>(
      "SELECT state FROM sim_accounts WHERE id = $1 FOR UPDATE",
      [CLOCK_ROW],
    );
    const stored = rows[0]!.state;
    if (stored.scale === scale) return stored;
    const rebased: ClockOrigin = {
      originRealMs: now,
      originSimMs: stored.originSimMs + (now - stored.originRealMs) * stored.scale,
      scale,
    };
    await client.query("UPDATE sim_accounts SET state = $2, version = version + 1, updated_at = now() WHERE id = $1", [
      CLOCK_ROW,
      rebased,
    ]);
    return rebased;
  });
  return { now: () => new Date(origin.originSimMs + (Date.now() - origin.originRealMs) * origin.scale) };
}
