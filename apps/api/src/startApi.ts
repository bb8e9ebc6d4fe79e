import type { Config } from "@fastier/config";
import type { DatabaseHandle } from "@fastier/db";
import { type Runtime, sweepSettingsOf } from "@fastier/runtime";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";

export interface StartedApi {
  app: FastifyInstance;
  url: string;
}

/** The API on an opened runtime: its database, its cloud and that cloud's clock. */
export function buildAppOn(
  runtime: { database: DatabaseHandle; cloud: Pick<Runtime["cloud"], "port" | "now"> },
  config: Config,
): Promise<FastifyInstance> {
  return buildApp({
    config,
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    sweepSettings: sweepSettingsOf(config.health),
  });
}

/** Builds the API on the runtime and listens on HOST:PORT. */
export async function startApi(runtime: Runtime, config: Config): Promise<StartedApi> {
  const app = await buildAppOn(runtime, config);
  const address = await app.listen({ port: config.port, host: config.host });
  return { app, url: address.replace("[::1]", "localhost") };
}
