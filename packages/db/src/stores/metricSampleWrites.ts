import type { SampleColumns, SampleSeries } from "@fastier/core";
import type pg from "pg";

const UNIQUE_VIOLATION = "23505";

/**
 * Adds the series not stored yet and reads back every id, in the order asked. The inserted rows are not
 * visible to the rest of the statement, so they come from RETURNING and the others from the table.
 */
const RESOLVE_SERIES = `WITH wanted AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[]) WITH ORDINALITY
           AS w(resource_id, metric, stat, period, n)),
     added AS (
       INSERT INTO metric_series (resource_id, metric, stat, period)
       SELECT resource_id, metric, stat, period FROM wanted ORDER BY n
       ON CONFLICT DO NOTHING
       RETURNING id, resource_id, metric, stat, period)
SELECT coalesce(a.id, s.id) AS id
  FROM wanted w
  LEFT JOIN added a USING (resource_id, metric, stat, period)
  LEFT JOIN metric_series s USING (resource_id, metric, stat, period)
 ORDER BY w.n`;

// Three arrays of numbers: PostgreSQL parses an int or a float far faster than a uuid, a text or a
// timestamp, and the key it maintains is two narrow columns.
const SAMPLE_ROWS = `SELECT series_id, to_timestamp(epoch_ms / 1000), value
  FROM unnest($1::int[], $2::float8[], $3::float8[]) AS x(series_id, epoch_ms, value)`;
/** Samples no finished sweep stored: a plain insert, without the upsert's check of each row. */
const INSERT_SAMPLES = `INSERT INTO metric_samples (series_id, "timestamp", value) ${SAMPLE_ROWS}`;
/** Only a value that changed is rewritten: an unchanged row costs a lookup, not a new row version. */
const UPSERT_SAMPLES = `${INSERT_SAMPLES}
  ON CONFLICT (series_id, "timestamp")
  DO UPDATE SET value = EXCLUDED.value WHERE metric_samples.value IS DISTINCT FROM EXCLUDED.value`;

export async function resolveSeries(pool: pg.Pool, series: readonly SampleSeries[]): Promise<Int32Array> {
  if (series.length === 0) return new Int32Array(0);
  const { rows } = await pool.query<{ id: number }>(RESOLVE_SERIES, [
    series.map((s) => s.resourceId),
    series.map((s) => s.metricName),
    series.map((s) => s.stat),
    series.map((s) => s.period),
  ]);
  const ids = Int32Array.from(rows, (row) => row.id);
  if (ids.length !== series.length || ids.includes(0)) {
    throw new Error(`resolved ${ids.length} series ids for ${series.length} series`);
  }
  return ids;
}

/** Array literals written straight from the typed arrays: no array of boxed numbers for pg to walk. */
function sampleParameters(samples: SampleColumns): string[] {
  return [samples.seriesIds, samples.timestamps, samples.values].map((column) => `{${column.join(",")}}`);
}

function pick(samples: SampleColumns, keep: (index: number) => boolean): SampleColumns {
  const indexes: number[] = [];
  for (let i = 0; i < samples.seriesIds.length; i += 1) if (keep(i)) indexes.push(i);
  return {
    seriesIds: Int32Array.from(indexes, (i) => samples.seriesIds[i] as number),
    timestamps: Float64Array.from(indexes, (i) => samples.timestamps[i] as number),
    values: Float64Array.from(indexes, (i) => samples.values[i] as number),
  };
}

/**
 * Samples from `newFrom` on are inserted outright; a unique violation means a sweep died after writing some
 * of them, and the statement (which wrote nothing) is redone as an upsert. Earlier ones are upserted.
 */
export async function writeSamples(pool: pg.Pool, samples: SampleColumns, newFrom: Date): Promise<number> {
  const from = newFrom.getTime();
  const fresh = pick(samples, (i) => (samples.timestamps[i] as number) >= from);
  const rewritten = pick(samples, (i) => (samples.timestamps[i] as number) < from);
  let written = 0;
  if (fresh.seriesIds.length > 0) {
    const parameters = sampleParameters(fresh);
    try {
      written += (await pool.query(INSERT_SAMPLES, parameters)).rowCount ?? 0;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      written += (await pool.query(UPSERT_SAMPLES, parameters)).rowCount ?? 0;
    }
  }
  if (rewritten.seriesIds.length > 0) {
    written += (await pool.query(UPSERT_SAMPLES, sampleParameters(rewritten))).rowCount ?? 0;
  }
  return written;
}

/** Samples older than `before`, then the series of resources no longer in the inventory, with their samples. */
export async function pruneSamples(pool: pg.Pool, before: Date): Promise<number> {
  const old = await pool.query(`DELETE FROM metric_samples WHERE "timestamp" < $1`, [before]);
  const orphaned = await pool.query(
    `WITH gone AS (
       DELETE FROM metric_series s WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = s.resource_id)
       RETURNING id)
     DELETE FROM metric_samples WHERE series_id IN (SELECT id FROM gone)`,
  );
  return (old.rowCount ?? 0) + (orphaned.rowCount ?? 0);
}
