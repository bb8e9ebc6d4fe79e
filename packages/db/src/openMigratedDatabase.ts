import { locateDatabase } from "./databaseLocation.ts";
import { runMigrations } from "./migrations/runMigrations.ts";
import { type DatabaseHandle, openDatabaseHandle } from "./prismaClient.ts";

export interface MigratedDatabase extends DatabaseHandle {
  url: string;
  source: "DATABASE_URL" | "embedded";
  clusterDir?: string;
  migrationsApplied: string[];
}

export interface OpenMigratedDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax: number;
  log?: (message: string) => void;
}

/**
 * What every process does first: find the database (DATABASE_URL, or the
 * embedded server under dataDir, shared with any other process using it),
 * bring its schema up to date, and open a pool.
 */
export async function openMigratedDatabase(options: OpenMigratedDatabaseOptions): Promise<MigratedDatabase> {
  const location = await locateDatabase({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    ...(options.log && { log: options.log }),
  });
  try {
    const { applied } = await runMigrations(location.url);
    const handle = openDatabaseHandle({ url: location.url, poolMax: options.poolMax });
    return {
      ...handle,
      url: location.url,
      source: location.source,
      ...(location.clusterDir && { clusterDir: location.clusterDir }),
      migrationsApplied: applied,
      async close() {
        await handle.close();
        await location.close();
      },
    };
  } catch (error) {
    await location.close();
    throw error;
  }
}
