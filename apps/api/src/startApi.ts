import type { Config } from "@fastier/config";
import { type Runtime, sweepSettingsOf } from "@fastier/runtime";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";

export interface StartedApi {
  app: FastifyInstance;
  url: string;
}

/** Builds the API on the runtime and listens on HOST:PORT. */
export async function startApi(runtime: Runtime, config: Config): Promise<StartedApi> {
  const app = await buildApp({
    config,
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    sweepSettings: sweepSettingsOf(config.health),
  });
  const address = await app.listen({ port: config.port, host: config.host });
  return { app, url: address.replace("[::1]", "localhost") };
}
