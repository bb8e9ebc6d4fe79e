import pg from "pg";

/** Objects the migrations add by hand because Prisma's schema language cannot express them. */
export const HAND_WRITTEN_INDEXES = [
  "operations_one_active_per_target",
  "operations_one_active_rollback_per_target",
  "findings_one_open_per_rule",
  "recommendations_one_current_per_kind",
  "health_sweeps_newsworthy_finished_at",
];

/**
 * A comparable description of a database's schema: tables and columns, indexes,
 * constraints and enum types (Prisma's bookkeeping table left out).
 */
export async function describeSchema(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const lines = async (sql: string) => (await client.query<{ line: string }>(sql)).rows.map((row) => row.line);
    return {
      columns: await lines(`
        SELECT concat_ws(' ', table_name, column_name, udt_name, is_nullable, coalesce(column_default, '-'),
                         coalesce(character_maximum_length::text, '-'), coalesce(datetime_precision::text, '-')) AS line
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
         ORDER BY table_name, column_name`),
      indexes: await lines(`
        SELECT indexdef AS line FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
           AND indexname <> ALL ('{${HAND_WRITTEN_INDEXES.join(",")}}'::text[])
         ORDER BY indexname`),
      constraints: await lines(`
        SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
          FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'
         ORDER BY conname`),
      enums: await lines(`
        SELECT t.typname || ': ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY t.typname`),
    };
  } finally {
    await client.end();
  }
}
