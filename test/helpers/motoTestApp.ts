import { type AwsClients, createAwsCloud } from "@fastier/cloud";
import { DEFAULT_RATE_LIMITS } from "@fastier/config";
import type { CloudPort, Role } from "@fastier/core";
import { createPrismaApiKeyStore } from "@fastier/db";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../apps/api/src/app.ts";
import type { MotoServer } from "../../packages/cloud/test/aws/motoServer.ts";
import { createKey } from "./testApp.ts";
import { createTestDatabase, type TestDatabase } from "./testDatabase.ts";

export const MOTO_APP_REGION = "us-east-1";

/** The AWS adapter as production builds it, pointed at moto; `clients` replaces some SDK clients. */
export function awsCloudInMoto(moto: MotoServer, clients?: Partial<AwsClients>): CloudPort {
  return createAwsCloud({
    region: MOTO_APP_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...(clients && { clients }),
  });
}

/** The API over `cloud` on the wall clock, as createTestApp builds it. */
export async function buildWallClockApp(database: TestDatabase, cloud: CloudPort): Promise<FastifyInstance> {
  const app = await buildApp({
    config: { logLevel: "silent", authCacheSeconds: 0, rateLimit: DEFAULT_RATE_LIMITS },
    database,
    cloud,
    now: () => new Date(),
    logger: false,
  });
  await app.ready();
  return app;
}

export interface MotoTestApp {
  app: FastifyInstance;
  db: TestDatabase;
  /** The AWS adapter the app uses, against moto. */
  cloud: CloudPort;
  auth(role: Role): { authorization: string };
  close(): Promise<void>;
}

/** A fresh database and an API whose cloud is the AWS adapter against moto, with a key for every role. */
export async function createMotoTestApp(moto: MotoServer): Promise<MotoTestApp> {
  const db = await createTestDatabase();
  const cloud = awsCloudInMoto(moto);
  const app = await buildWallClockApp(db, cloud);
  const store = createPrismaApiKeyStore(db.prisma);
  const keys = {} as Record<Role, string>;
  for (const role of ["viewer", "operator", "admin"] as const) keys[role] = (await createKey(store, role)).key;
  return {
    app,
    db,
    cloud,
    auth: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
