import type { Config } from "@fastier/config";
import { type MigratedDatabase, openMigratedDatabase } from "@fastier/db";
import type { Logger } from "pino";
import { type RuntimeOver, withCloud } from "./cloudOverDatabase.ts";
import { resolveDatabaseUrl } from "./lambdaRuntime.ts";

/** What every long-running process works with: the migrated database and the configured cloud. */
export type Runtime = RuntimeOver<MigratedDatabase>;

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  if (config.lambda) {
    // A cold start must neither start PostgreSQL nor migrate: the handlers use openLambdaRuntime.
    throw new Error("on AWS Lambda the runtime is opened with openLambdaRuntime, which starts and migrates nothing");
  }
  const database = await openMigratedDatabase({
    databaseUrl: config.databaseSecretArn ? await resolveDatabaseUrl(config) : config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.dbPoolMax,
    log: (message) => log.debug({ component: "postgres" }, message),
  });
  if (database.migrationsApplied.length > 0) log.info({ migrations: database.migrationsApplied }, "migrations applied");
  return withCloud(config, database);
}
