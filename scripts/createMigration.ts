// npm run db:migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes
// the database from the datamodel of the last migration to prisma/schema.prisma.

import { existsSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@fastier/config";
import { diffDatamodels, isEmptyMigration, locateDatabase } from "@fastier/db";

const MIGRATIONS_DIR = "prisma/migrations";
// The datamodel as of the newest migration: Prisma cannot diff from a database
// on its JavaScript engine, so the next migration is diffed from this copy.
const SNAPSHOT = path.join(MIGRATIONS_DIR, "datamodel_at_last_migration.prisma");

const name = process.argv[2];
if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lower-case letters, digits and _ only)");
  process.exit(2);
}

const config = loadConfig();
const database = await locateDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const from = existsSync(SNAPSHOT) ? SNAPSHOT : "empty";
  const sql = await diffDatamodels(database.url, from, "prisma/schema.prisma");
  if (isEmptyMigration(sql)) {
    console.log("prisma/schema.prisma has no changes since the last migration; nothing written.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const folder = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, "migration.sql"), sql);
    await copyFile("prisma/schema.prisma", SNAPSHOT);
    console.log(`wrote ${path.join(folder, "migration.sql")}; review it, then it is applied at the next start.`);
  }
} finally {
  await database.close();
}
