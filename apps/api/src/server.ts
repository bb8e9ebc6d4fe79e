import { loadConfig } from "@fastier/config";
import { ensureFirstAdminKey } from "@fastier/core";
import {
  createInventoryStore,
  createPrismaApiKeyStore,
  openMigratedDatabase,
  takeOverShutdownSignals,
} from "@fastier/db";
import closeWithGrace from "close-with-grace";
import pino from "pino";
import { buildApp, loggerOptions } from "./app.ts";
import { startupBanner } from "./startup/banner.ts";
import { seedOnEmpty } from "./startup/seedOnEmpty.ts";

/** `npm start`: database, migrations, first-run data, then listen until a signal. */
async function main() {
  const config = loadConfig();
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions);
  const database = await openMigratedDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.dbPoolMax,
    log: (message) => log.debug({ component: "postgres" }, message),
  });
  if (database.migrationsApplied.length > 0) log.info({ migrations: database.migrationsApplied }, "migrations applied");

  const app = await buildApp({ config, database });
  takeOverShutdownSignals();
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an error");
    else app.log.info({ signal }, "shutting down");
    await app.close();
    await database.close();
  });

  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace("[::1]", "localhost");
  // After listen, so that a failure to start cannot swallow the one-time key.
  const seeded = config.seedOnEmpty ? await seedOnEmpty(createInventoryStore(database)) : null;
  const firstKey = await ensureFirstAdminKey(createPrismaApiKeyStore(database.prisma));
  process.stdout.write(
    startupBanner({
      url,
      database: database.source === "embedded" ? `embedded PostgreSQL in ${config.dataDir}/postgres` : "DATABASE_URL",
      seeded,
      firstAdminKey: firstKey?.key ?? null,
    }),
  );
}

main().catch((error) => {
  console.error(`Fastier Control Plane could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.cause) console.error("cause:", error.cause);
  process.exit(1);
});
