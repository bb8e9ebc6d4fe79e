import { createManualClock, createSimCloud, type ManualClock, type PlainGroupSeed } from "@fastier/cloud";
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from "@fastier/config";
import { type ApiKeyStore, type CloudPort, issueApiKey, type Role, SYSTEM_ACTOR } from "@fastier/core";
import { createPrismaApiKeyStore } from "@fastier/db";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../apps/api/src/app.ts";
import { createTestDatabase, type TestDatabase } from "./testDatabase.ts";

/** Simulated time at which every test app's cloud starts: a weekday, before the daily peak. */
export const TEST_START = new Date("2026-11-25T12:00:00Z");

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  /** The simulated Fastier account behind the app, on the test database. */
  cloud: CloudPort;
  clock: ManualClock;
  /** One key per role, ready for `Authorization: Bearer`. */
  keys: Record<Role, string>;
  keyIds: Record<Role, string>;
  auth(role: Role): { authorization: string };
  close(): Promise<void>;
}

export async function createKey(store: ApiKeyStore, role: Role, name: string = role) {
  const issued = issueApiKey();
  const summary = await store.create(
    { name, role, prefix: issued.prefix, hash: issued.hash, createdBy: "test" },
    { actor: SYSTEM_ACTOR, requestId: null },
  );
  return { key: issued.key, id: summary.id };
}

/** A fresh database and app, with a key for every role. Close it in `after`. */
export async function createTestApp(
  options: {
    authCacheSeconds?: number;
    rateLimit?: RateLimitConfig;
    plainGroups?: readonly PlainGroupSeed[];
    /** Serve a built dashboard from this folder, as `npm start` does. */
    dashboardDir?: string;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = createManualClock(TEST_START);
  const cloud = createSimCloud({ pool: db.pool, clock, pipelineFailureRate: 0, plainGroups: options.plainGroups });
  const app = await buildApp({
    // The production limits unless a test asks for others: every suite runs with the limiter on.
    config: {
      logLevel: "silent",
      authCacheSeconds: options.authCacheSeconds ?? 0,
      rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMITS,
    },
    database: db,
    cloud,
    now: () => clock.now(),
    logger: false,
    ...(options.dashboardDir && { dashboardDir: options.dashboardDir }),
  });
  await app.ready();
  const store = createPrismaApiKeyStore(db.prisma);
  const keys = {} as Record<Role, string>;
  const keyIds = {} as Record<Role, string>;
  for (const role of ["viewer", "operator", "admin"] as const) {
    const { key, id } = await createKey(store, role);
    keys[role] = key;
    keyIds[role] = id;
  }
  return {
    app,
    db,
    cloud,
    clock,
    keys,
    keyIds,
    auth: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
