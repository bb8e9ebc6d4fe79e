import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** One query against the embedded server a launched script started in `dataDir` (its credentials and port files). */
export async function queryEmbedded<Row>(dataDir: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const credentials = JSON.parse(await readFile(path.join(dataDir, "postgres-credentials.json"), "utf8"));
  const owner = JSON.parse(await readFile(path.join(dataDir, "postgres-owner.json"), "utf8"));
  const client = new pg.Client({ ...credentials, host: "127.0.0.1", port: owner.port, database: "fastier" });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}
