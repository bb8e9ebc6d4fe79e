import { type Config, loadConfig } from "@fastier/config";
import { type MigratedDatabase, openMigratedDatabase } from "@fastier/db";

/**
 * Runs a command-line tool against the project's database: the running API's
 * embedded server when there is one, otherwise a server started for the tool
 * and stopped after it.
 */
export async function withCliDatabase<T>(run: (database: MigratedDatabase, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openMigratedDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    return await run(database, config);
  } finally {
    await database.close();
  }
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
