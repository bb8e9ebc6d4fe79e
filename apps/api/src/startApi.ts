import { fileURLToPath } from "node:url";
import type { Config } from "@fastier/config";
import type { DatabaseHandle } from "@fastier/db";
import { type Runtime, sweepSettingsOf } from "@fastier/runtime";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { isDashboardBuilt } from "./plugins/dashboardSite.ts";

/** Where `npm run web:build` (run by `npm ci`) writes the dashboard in a checkout. */
export const LOCAL_DASHBOARD_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

export interface StartedApi {
  app: FastifyInstance;
  url: string;
  /** Where the dashboard is served; null when it has not been built. */
  dashboardUrl: string | null;
}

/** The API on an opened runtime: its database, its cloud and that cloud's clock; the dashboard when given. */
export function buildAppOn(
  runtime: { database: DatabaseHandle; cloud: Pick<Runtime["cloud"], "port" | "now"> },
  config: Config,
  options: { dashboardDir?: string } = {},
): Promise<FastifyInstance> {
  return buildApp({
    config,
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    sweepSettings: sweepSettingsOf(config.health),
    ...(options.dashboardDir && { dashboardDir: options.dashboardDir }),
  });
}

/** Builds the API (and the dashboard, when built) on the runtime and listens on HOST:PORT. */
export async function startApi(runtime: Runtime, config: Config): Promise<StartedApi> {
  const withDashboard = isDashboardBuilt(LOCAL_DASHBOARD_DIR);
  const app = await buildAppOn(runtime, config, withDashboard ? { dashboardDir: LOCAL_DASHBOARD_DIR } : {});
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace("[::1]", "localhost");
  return { app, url, dashboardUrl: withDashboard ? `${url}/` : null };
}
