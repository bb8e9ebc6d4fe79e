import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pg from "pg";
import { createEmptyDatabase } from "../../../test/helpers/testDatabase.ts";
import {
  createMigration,
  DEFAULT_MIGRATIONS_DIR,
  diffDatamodels,
  readMigrations,
  runMigrations,
} from "../src/index.ts";
import { describeSchema } from "./catalog.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function emptyDatabase() {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  return db.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("migration runner", () => {
  it("applies every migration once and records it the way Prisma does", async () => {
    const url = await emptyDatabase();
    const migrations = await readMigrations();
    const first = await runMigrations(url);
    assert.deepEqual(
      first.applied,
      migrations.map((m) => m.name),
    );
    const second = await runMigrations(url);
    assert.deepEqual(second.applied, []);
    assert.equal(second.alreadyApplied, migrations.length);

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      migrations.map((m) => m.name),
    );
    for (const [index, row] of rows.entries()) {
      assert.equal(row.checksum, migrations[index]?.checksum);
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.applied_steps_count, 1);
    }
  });

  it("lets concurrent starters apply each migration exactly once (advisory lock)", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = (await readMigrations()).length;
    assert.deepEqual(appliedCounts, [0, 0, total]);
    const rows = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "_prisma_migrations"`);
    assert.equal(Number(rows[0]?.n), total);
  });

  it("rolls back a failing migration completely and records nothing for it", async () => {
    const url = await emptyDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, "99990101000000_broken"));
    await writeFile(
      path.join(dir, "99990101000000_broken", "migration.sql"),
      `CREATE TABLE "half_done" (id int); SELECT * FROM "no_such_table";`,
    );
    await assert.rejects(runMigrations(url, dir), /99990101000000_broken failed/);
    const tables = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    assert.equal(tables.length, 0);
    const recorded = await query(
      url,
      `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99990101000000_broken'`,
    );
    assert.equal(recorded.length, 0);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const url = await emptyDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await runMigrations(url, dir);
    const [first] = await readMigrations(dir);
    assert.ok(first);
    await writeFile(path.join(dir, first.name, "migration.sql"), `${first.sql}\n-- edited`);
    await assert.rejects(runMigrations(url, dir), /was changed after it was applied/);
  });

  it("keeps audit events append-only in the database itself", async () => {
    const url = await emptyDatabase();
    await runMigrations(url);
    await query(
      url,
      `INSERT INTO audit_events (actor_name, action, target_type, target_id) VALUES ('t', 'x', 'y', 'z')`,
    );
    await assert.rejects(query(url, `UPDATE audit_events SET action = 'changed'`), /append-only/);
    await assert.rejects(query(url, `DELETE FROM audit_events`), /append-only/);
    await assert.rejects(query(url, `TRUNCATE audit_events`), /append-only/);
  });
});

describe("moving samples to series ids", () => {
  it("keeps every sample a user had stored, under one series id per (resource, metric, stat, period)", async () => {
    const url = await emptyDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const all = await readMigrations(dir);
    const seriesMigration = all.findIndex((m) => m.name.endsWith("_metric_series"));
    assert.ok(seriesMigration > 0, "the series migration is there");
    const later = all.slice(seriesMigration);
    for (const migration of later) await rm(path.join(dir, migration.name), { recursive: true });
    await runMigrations(url, dir);

    const [group, instance] = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
    await query(
      url,
      `INSERT INTO metric_samples (resource_id, metric, stat, period, "timestamp", value)
       SELECT r, m, st, 300, TIMESTAMPTZ '2026-11-25 17:00:00+00' + n * interval '5 minutes', n + 0.5
         FROM unnest($1::uuid[]) r, unnest('{mem_used_percent,CPUUtilization}'::text[]) m,
              unnest('{Maximum,Average}'::text[]) st, generate_series(0, 2) n`,
      [[group, instance]],
    );
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const { applied } = await runMigrations(url, dir);
    assert.deepEqual(
      applied,
      later.map((m) => m.name),
    );

    const series = await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM metric_series");
    assert.equal(series[0]?.n, 2 * 2 * 2);
    const samples = await query<{ value: number; timestamp: Date }>(
      url,
      `SELECT s.value, s."timestamp" FROM metric_samples s JOIN metric_series m ON m.id = s.series_id
        WHERE m.resource_id = $1 AND m.metric = 'mem_used_percent' AND m.stat = 'Maximum' AND m.period = 300
        ORDER BY s."timestamp"`,
      [instance],
    );
    assert.deepEqual(
      samples.map((s) => [s.timestamp.toISOString(), s.value]),
      [
        ["2026-11-25T17:00:00.000Z", 0.5],
        ["2026-11-25T17:05:00.000Z", 1.5],
        ["2026-11-25T17:10:00.000Z", 2.5],
      ],
    );
    const total = await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM metric_samples");
    assert.equal(total[0]?.n, 2 * 2 * 2 * 3);
  });
});

describe("schema drift", () => {
  it("migrations produce exactly the schema that prisma/schema.prisma describes", async () => {
    const migrated = await emptyDatabase();
    await runMigrations(migrated);
    const fromSchema = await emptyDatabase();
    const sql = await diffDatamodels(fromSchema, "empty", "prisma/schema.prisma");
    await query(fromSchema, sql);

    const expected = await describeSchema(fromSchema);
    const actual = await describeSchema(migrated);
    for (const part of Object.keys(expected)) {
      assert.deepEqual(
        actual[part],
        expected[part],
        `${part} differ between the migrations and prisma/schema.prisma: run \`npm run db:migration -- <name>\``,
      );
    }
    assert.ok((expected.columns?.length ?? 0) > 20, "the comparison saw the schema");
  });

  it("the datamodel snapshot used to diff the next migration matches the schema", async () => {
    const snapshot = await readFile("prisma/migrations/datamodel_at_last_migration.prisma", "utf8");
    const schema = await readFile("prisma/schema.prisma", "utf8");
    assert.equal(
      snapshot,
      schema,
      "prisma/schema.prisma changed without a migration: run `npm run db:migration -- <name>`",
    );
  });
});

describe("writing the next migration", () => {
  it("turns a schema change into a migration that the runner applies, and writes nothing when unchanged", async () => {
    const url = await emptyDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "migration-create-"));
    await cp("prisma", dir, { recursive: true });
    const schemaPath = path.join(dir, "schema.prisma");
    const migrationsDir = path.join(dir, "migrations");
    const schema = await readFile(schemaPath, "utf8");
    await writeFile(
      schemaPath,
      // Whatever the column alignment: the environments model's accountId line is the anchor.
      schema.replace(/^(\s+)accountId(\s+)String\?/m, "$1owner String? @db.VarChar(64)\n$1accountId$2String?"),
    );

    const file = await createMigration({
      databaseUrl: url,
      schemaPath,
      migrationsDir,
      name: "add_owner",
      now: new Date("2099-01-01T00:00:00Z"),
    });
    assert.equal(file, path.join(migrationsDir, "20990101000000_add_owner", "migration.sql"));
    const sql = await readFile(file, "utf8");
    assert.match(sql, /ALTER TABLE "environments" ADD COLUMN\s+"owner" VARCHAR\(64\)/);

    const { applied } = await runMigrations(url, migrationsDir);
    assert.equal(applied.at(-1), "20990101000000_add_owner");
    const columns = await query(
      url,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'environments' AND column_name = 'owner'`,
    );
    assert.equal(columns.length, 1);

    const again = await createMigration({ databaseUrl: url, schemaPath, migrationsDir, name: "nothing" });
    assert.equal(again, null);
    await assert.rejects(
      createMigration({ databaseUrl: url, schemaPath, migrationsDir, name: "Bad Name" }),
      /lower-case/,
    );
  });
});
