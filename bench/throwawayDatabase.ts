import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDatabase, openEmbeddedPostgres, runMigrations } from "@fastier/db";
import pg from "pg";
import type { CleanupStack } from "./cleanupStack.ts";
import { BENCH_FOLDER_PREFIX, removeStaleBenchFolders } from "./staleBenchFolders.ts";

export interface ThrowawayDatabase {
  url: string;
  /** Where the server came from, for the report. */
  source: string;
}

/**
 * A migrated database that exists only for this run: on DATABASE_URL's server
 * when given (dropped afterwards), otherwise on an embedded server started in
 * a temporary folder (stopped and deleted afterwards).
 */
export async function openThrowawayDatabase(
  databaseUrl: string | undefined,
  cleanup: CleanupStack,
  log: (message: string) => void,
): Promise<ThrowawayDatabase> {
  let serverUrl = databaseUrl;
  let source = "DATABASE_URL";
  if (!serverUrl) {
    await removeStaleBenchFolders(log);
    const dataDir = await mkdtemp(path.join(tmpdir(), BENCH_FOLDER_PREFIX));
    log(`starting a throwaway embedded PostgreSQL in ${dataDir}`);
    const embedded = await openEmbeddedPostgres({ dataDir, throwaway: true });
    cleanup.defer("stop embedded PostgreSQL", () => embedded.stop());
    serverUrl = embedded.serverUrl;
    source = "embedded PostgreSQL (throwaway)";
  }

  const name = `fastier_bench_${randomBytes(6).toString("hex")}`;
  const url = await ensureDatabase(serverUrl, name);
  const server = serverUrl;
  cleanup.defer(`drop database ${name}`, () => dropDatabase(server, name));
  const { applied } = await runMigrations(url);
  log(`database ${name} created, ${applied.length} migrations applied`);
  return { url, source };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    // FORCE: a pool that failed to close must not keep the database alive.
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
