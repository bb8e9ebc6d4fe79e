import type pg from "pg";

/** Lock keys of the project's own advisory locks, in one place so they never collide. */
export const LOCK_KEYS = {
  migrations: 72_410_913,
  apiKeys: 72_410_914,
  scheduledSync: 72_410_915,
  healthSweep: 72_410_916,
  drillSchedule: 72_410_917,
  notificationFanOut: 72_410_918,
} as const;

/**
 * Runs `work` only if this process gets the session-level advisory lock, so
 * that of several workers exactly one does a scheduled job; the others skip it.
 * Returns undefined when another holder has the lock.
 */
export async function withTryAdvisoryLock<T>(
  pool: pg.Pool,
  key: number,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
    if (!rows[0]?.locked) return undefined;
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key]);
    }
  } finally {
    client.release();
  }
}
