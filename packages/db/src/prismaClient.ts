import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type { PrismaClient } from "./generated/prisma/client.ts";

export interface DatabaseHandle {
  prisma: PrismaClient;
  /** The pg pool under Prisma, exposed for pool metrics and raw health checks. */
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseHandleOptions {
  url: string;
  poolMax: number;
}

/** One pg pool, shared by Prisma (through its driver adapter) and raw checks. */
export function openDatabaseHandle(options: DatabaseHandleOptions): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolMax, idleTimeoutMillis: 30_000 });
  // A client that loses its server (restart, failover, network) must not crash the process. The
  // pool listens on idle clients only; a checked-out one (a transaction, an advisory lock held
  // through a sweep) would emit an unhandled 'error'. Its query still fails and is handled there.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    prisma,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
