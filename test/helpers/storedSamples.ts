import type { DatabaseHandle } from "@fastier/db";

/** A stored sample with its series spelled out, as tests read them. */
export interface StoredSample {
  resourceId: string;
  metric: string;
  stat: string;
  period: number;
  timestamp: Date;
  value: number;
}

export interface SampleFilter {
  resourceId?: string;
  /** Every resource but this one. */
  notResourceId?: string;
  metric?: string;
  stat?: string;
  period?: number;
  /** Samples at or before this time. */
  until?: Date;
}

function where(filter: SampleFilter): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const conditions: string[] = ["true"];
  const add = (condition: string, value: unknown) => {
    values.push(value);
    conditions.push(condition.replace("?", `$${values.length}`));
  };
  if (filter.resourceId !== undefined) add("m.resource_id = ?::uuid", filter.resourceId);
  if (filter.notResourceId !== undefined) add("m.resource_id <> ?::uuid", filter.notResourceId);
  if (filter.metric !== undefined) add("m.metric = ?", filter.metric);
  if (filter.stat !== undefined) add("m.stat = ?", filter.stat);
  if (filter.period !== undefined) add("m.period = ?::int", filter.period);
  if (filter.until !== undefined) add(`s."timestamp" <= ?::timestamptz`, filter.until);
  return { text: conditions.join(" AND "), values };
}

const FROM = "metric_samples s JOIN metric_series m ON m.id = s.series_id";

/** The stored samples that match, oldest first (then by series, for a stable order). */
export async function storedSamples(db: Pick<DatabaseHandle, "pool">, filter: SampleFilter = {}) {
  const { text, values } = where(filter);
  const { rows } = await db.pool.query<StoredSample>(
    `SELECT m.resource_id AS "resourceId", m.metric, m.stat, m.period, s."timestamp", s.value
       FROM ${FROM} WHERE ${text} ORDER BY s."timestamp", s.series_id`,
    values,
  );
  return rows;
}

export async function countStoredSamples(db: Pick<DatabaseHandle, "pool">, filter: SampleFilter = {}) {
  const { text, values } = where(filter);
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${FROM} WHERE ${text}`, values);
  return rows[0]?.n ?? 0;
}
