import { createManualClock, createSimCloud } from "@fastier/cloud";
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from "@fastier/config";
import { openDatabaseHandle, resourceListQuery } from "@fastier/db";
import Fastify, { type FastifyInstance } from "fastify";
import pg from "pg";
import { buildApp } from "../apps/api/src/app.ts";
import type { CleanupStack } from "./cleanupStack.ts";

/** An HTTP server under test and the request that exercises it. */
export interface BenchTarget {
  label: string;
  url: string;
  /** The server itself and the request's path, for in-process requests. */
  server: FastifyInstance;
  path: string;
  headers: Record<string, string>;
  /** Response headers the checked request must carry (the rate limiter's, on the app). */
  expectHeaders?: string[];
}

/**
 * The limiter stays on and counts every request, as in production; only the bench key's
 * allowance is raised, since the default 600 a minute would turn the load into 429s.
 */
export const BENCH_RATE_LIMITS: RateLimitConfig = {
  perKeyPerMinute: 1_000_000,
  perAddressPerMinute: DEFAULT_RATE_LIMITS.perAddressPerMinute,
};

const PAGE_SIZE = 50;

/** The real API, configured as in production apart from logging (which would measure the terminal). */
export async function startAppTarget(
  databaseUrl: string,
  poolMax: number,
  apiKey: string,
  cleanup: CleanupStack,
): Promise<BenchTarget> {
  const database = openDatabaseHandle({ url: databaseUrl, poolMax });
  cleanup.defer("close the app's database pool", () => database.close());
  const cloud = createSimCloud({ pool: database.pool, clock: createManualClock(new Date()) });
  const app = await buildApp({
    config: { logLevel: "silent", authCacheSeconds: 10, rateLimit: BENCH_RATE_LIMITS },
    database,
    cloud,
    logger: false,
  });
  cleanup.defer("close the app", () => app.close());
  const base = await listenLocally(app);
  const path = `/v1/resources?limit=${PAGE_SIZE}`;
  return {
    label: "app GET /v1/resources",
    url: `${base}${path}`,
    server: app,
    path,
    headers: { authorization: `Bearer ${apiKey}` },
    expectHeaders: ["x-ratelimit-limit", "x-ratelimit-remaining"],
  };
}

/**
 * The floor: Fastify and pg with nothing in between (no auth, no limiter, no mapping, no
 * response schema). Like for like with the app: the same statement object the app sends (same
 * columns, same page plus the one row that tells whether there is a next, same protocol), the same
 * pool size, logging off, and the same 50 rows answered. The app's cost is measured against it.
 */
export async function startBareTarget(
  databaseUrl: string,
  poolMax: number,
  cleanup: CleanupStack,
): Promise<BenchTarget> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  pool.on("error", () => {});
  cleanup.defer("close the bare pool", () => pool.end());
  const bare = Fastify({ logger: false });
  const statement = resourceListQuery({ sort: "name", limit: PAGE_SIZE });
  bare.get("/resources", async () => {
    const { rows } = await pool.query(statement);
    return { items: rows.slice(0, PAGE_SIZE) };
  });
  cleanup.defer("close the bare server", () => bare.close());
  const base = await listenLocally(bare);
  return { label: "bare Fastify + pg", url: `${base}/resources`, server: bare, path: "/resources", headers: {} };
}

async function listenLocally(server: FastifyInstance): Promise<string> {
  await server.listen({ host: "127.0.0.1", port: 0 });
  const address = server.server.address();
  if (!address || typeof address === "string") throw new Error("the server has no TCP address");
  return `http://127.0.0.1:${address.port}`;
}

/** One request before the load: a wrong key or an empty page should fail here, clearly, not as a million non-2xx. */
export async function checkTarget(target: BenchTarget, expectedItems: number): Promise<void> {
  const response = await fetch(target.url, { headers: target.headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.label} answered ${response.status}: ${text.slice(0, 500)}`);
  for (const name of target.expectHeaders ?? []) {
    if (!response.headers.has(name)) throw new Error(`${target.label} answered without ${name}: is the limiter off?`);
  }
  const items = (JSON.parse(text) as { items?: unknown[] }).items;
  if (items?.length !== expectedItems) {
    throw new Error(`${target.label} returned ${items?.length ?? "no"} items, expected ${expectedItems}`);
  }
}

export const expectedPageSize = (resources: number) => Math.min(PAGE_SIZE, resources);
