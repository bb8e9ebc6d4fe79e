import { randomBytes } from "node:crypto";
import { type DatabaseHandle, ensureDatabase, openDatabaseHandle } from "@fastier/db";
import pg from "pg";

export interface TestDatabase extends DatabaseHandle {
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env.TEST_SERVER_URL;
  if (!url) throw new Error("run tests with `npm test` (or `npm run test:run -- <file>`), which provides PostgreSQL");
  return url;
}

/** A fresh, migrated database cloned from the template `npm test` prepared. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `fastier_test_${randomBytes(6).toString("hex")}`;
  const url = await ensureDatabase(serverUrl, name, process.env.TEST_TEMPLATE_DATABASE ?? "fastier_test_template");
  const handle = openDatabaseHandle({ url, poolMax: 5 });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      await dropDatabase(serverUrl, name);
    },
  };
}

/** An empty database (no migrations), for migration tests. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testServerUrl();
  const name = `fastier_empty_${randomBytes(6).toString("hex")}`;
  const url = await ensureDatabase(serverUrl, name);
  return { url, drop: () => dropDatabase(serverUrl, name) };
}

async function dropDatabase(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
