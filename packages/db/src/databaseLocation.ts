import pg from "pg";
import { type EmbeddedDatabase, openEmbeddedPostgres } from "./embedded/embeddedPostgres.ts";

export interface DatabaseLocation {
  /** URL of the application database. */
  url: string;
  /** Where it came from, for start-up messages. */
  source: "DATABASE_URL" | "embedded";
  /** The embedded server's cluster folder (not always under the data folder: see openEmbeddedPostgres). */
  clusterDir?: string;
  /** Stops the embedded server when this process started it. */
  close(): Promise<void>;
}

export interface LocateDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  databaseName?: string;
  log?: (message: string) => void;
}

/**
 * `DATABASE_URL` when given (nothing is started); otherwise the embedded server
 * under `dataDir`, with the application database created on first use.
 */
export async function locateDatabase(options: LocateDatabaseOptions): Promise<DatabaseLocation> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, source: "DATABASE_URL", close: async () => {} };
  }
  const embedded: EmbeddedDatabase = await openEmbeddedPostgres({
    dataDir: options.dataDir,
    ...(options.log ? { log: options.log } : {}),
  });
  const url = await ensureDatabase(embedded.serverUrl, options.databaseName ?? "fastier");
  return { url, source: "embedded", clusterDir: embedded.clusterDir, close: () => embedded.stop() };
}

/** Creates `name` on the server if it does not exist and returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) {
      const from = template ? ` TEMPLATE ${quoteIdent(template)}` : "";
      await client.query(`CREATE DATABASE ${quoteIdent(name)}${from}`).catch((error: { code?: string }) => {
        // Another process created it between the check and the create.
        if (error.code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function quoteIdent(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
