import { readFileSync } from "node:fs";
import os from "node:os";
import type pg from "pg";

const TICK_MS = 1000 / 100; // Linux reports CPU time in clock ticks, USER_HZ = 100

/** CPU time the process has used so far, from /proc; null where /proc does not show it. */
function processCpuMs(pid: number): number | null {
  try {
    // The command name may hold spaces: the fields that follow it start after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return null;
  }
}

export interface ServerCpuProbe {
  /** PostgreSQL CPU used by this database's sessions since the probe started, or null when unknown. */
  stop(): Promise<number | null>;
}

/**
 * The CPU a PostgreSQL server on this machine spends for one database: the sum over the sessions connected
 * to it (the pool's, which do all the sweep's work), read from /proc before and after. Unlike wall time, it
 * barely moves when other work shares the cores. A session that ends in between is not counted.
 */
export async function startServerCpuProbe(pool: pg.Pool): Promise<ServerCpuProbe> {
  const sessions = async () =>
    (await pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).rows;
  if (os.platform() !== "linux") return { stop: async () => null };
  const before = new Map((await sessions()).map(({ pid }) => [pid, processCpuMs(pid) ?? 0]));
  return {
    async stop() {
      let total = 0;
      for (const { pid } of await sessions()) {
        const now = processCpuMs(pid);
        if (now === null) return null;
        total += now - (before.get(pid) ?? 0);
      }
      return total;
    },
  };
}
