import type { SampleColumns, SampleSeries } from "@fastier/core";
import type pg from "pg";

const UNIQUE_VIOLATION = "23505";

const NOT_STORED = 0;
const WANTED_SERIES = `unnest($1::uuid[], $2::text[], $3::text[], $4::int[]) WITH ORDINALITY
    AS w(resource_id, metric, stat, period, n)`;
/**
 * The id of each series asked for, in order, 0 where none is stored (ids start at 1), as one array in one
 * row: a sweep asks for tens of thousands, and a row for each is an object and two buffers apiece that
 * live until the last row arrives.
 */
const FIND_SERIES = `SELECT array_agg(coalesce(s.id, ${NOT_STORED}) ORDER BY w.n) AS ids FROM ${WANTED_SERIES}
  LEFT JOIN metric_series s ON s.resource_id = w.resource_id AND s.metric = w.metric AND s.stat = w.stat AND s.period = w.period`;
/** Adds the series not stored yet (a sweep meets new ones only for new resources); the rest are left alone. */
const ADD_SERIES = `INSERT INTO metric_series (resource_id, metric, stat, period)
  SELECT resource_id, metric, stat, period FROM ${WANTED_SERIES} ORDER BY n
  ON CONFLICT DO NOTHING`;

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

/**
 * The store's id of each series, in the order given. Looked up first: in the steady state every series is
 * stored, and a lookup is far cheaper than an insert that finds each row there already.
 */
export async function resolveSeries(pool: pg.Pool, series: readonly SampleSeries[]): Promise<Int32Array> {
  if (series.length === 0) return new Int32Array(0);
  const parameters = [
    series.map((s) => s.resourceId),
    series.map((s) => s.metricName),
    series.map((s) => s.stat),
    series.map((s) => s.period),
  ];
  const find = async () => {
    const { rows } = await pool.query<{ ids: number[] }>(FIND_SERIES, parameters);
    const ids = Int32Array.from(rows[0]?.ids ?? []);
    return { ids, missing: ids.filter((id) => id === NOT_STORED).length };
  };
  const found = await find();
  if (found.missing === 0) return found.ids;
  await pool.query(ADD_SERIES, parameters);
  const added = await find();
  if (added.missing > 0)
    throw new Error(`${added.missing} of ${series.length} series were not stored after adding them`);
  return added.ids;
}

/** Array literals written straight from the typed arrays: no array of boxed numbers for pg to walk. */
function sampleParameters(samples: SampleColumns): string[] {
  return [samples.seriesIds, samples.timestamps, samples.values].map((column) => `{${column.join(",")}}`);
}

/** The samples on one side of `from`, or null when there are none. */
function split(samples: SampleColumns, from: number, before: boolean): SampleColumns | null {
  const indexes: number[] = [];
  for (let i = 0; i < samples.timestamps.length; i += 1) {
    if ((samples.timestamps[i] as number) < from === before) indexes.push(i);
  }
  if (indexes.length === 0) return null;
  if (indexes.length === samples.timestamps.length) return samples;
  return {
    seriesIds: Int32Array.from(indexes, (i) => samples.seriesIds[i] as number),
    timestamps: Float64Array.from(indexes, (i) => samples.timestamps[i] as number),
    values: Float64Array.from(indexes, (i) => samples.values[i] as number),
  };
}

/**
 * Samples from `newFrom` on are inserted outright; a unique violation means a sweep died after writing some
 * of them, and the statement (which wrote nothing) is redone as an upsert. Earlier ones are upserted,
 * rewriting only values that changed.
 */
export async function writeSamples(pool: pg.Pool, samples: SampleColumns, newFrom: Date): Promise<number> {
  const fresh = split(samples, newFrom.getTime(), false);
  const rewritten = split(samples, newFrom.getTime(), true);
  let written = 0;
  if (fresh) {
    const parameters = sampleParameters(fresh);
    try {
      written += (await pool.query(INSERT_SAMPLES, parameters)).rowCount ?? 0;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      written += (await pool.query(UPSERT_SAMPLES, parameters)).rowCount ?? 0;
    }
  }
  if (rewritten) written += (await pool.query(UPSERT_SAMPLES, sampleParameters(rewritten))).rowCount ?? 0;
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
