import { existsSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffDatamodels, isEmptyMigration } from "../prismaCli.ts";

/**
 * The datamodel as of the newest migration. Prisma cannot diff from a live
 * database on its JavaScript engine, so the next migration is diffed from this copy.
 */
export const SNAPSHOT_FILE = "datamodel_at_last_migration.prisma";

export interface CreateMigrationOptions {
  /** Any reachable database: Prisma's adapter needs one even to diff two files. Nothing is written to it. */
  databaseUrl: string;
  schemaPath: string;
  migrationsDir: string;
  name: string;
  now?: Date;
}

/** Writes `<migrationsDir>/<timestamp>_<name>/migration.sql`, or returns null when the schema is unchanged. */
export async function createMigration(options: CreateMigrationOptions): Promise<string | null> {
  if (!/^[a-z0-9_]{1,60}$/.test(options.name)) {
    throw new Error("a migration name is 1 to 60 lower-case letters, digits and _");
  }
  const snapshot = path.join(options.migrationsDir, SNAPSHOT_FILE);
  const sql = await diffDatamodels(options.databaseUrl, existsSync(snapshot) ? snapshot : "empty", options.schemaPath);
  if (isEmptyMigration(sql)) return null;
  const stamp = (options.now ?? new Date()).toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = path.join(options.migrationsDir, `${stamp}_${options.name}`);
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, "migration.sql");
  await writeFile(file, sql);
  await copyFile(options.schemaPath, snapshot);
  return file;
}
