import type pg from "pg";

/** How much history the fleet is given: about a month of a busy team's work. */
export const HISTORY = {
  days: 30,
  operations: 6_000,
  findings: 20_000,
  /** An inventory sync every 20 minutes. */
  syncEveryMinutes: 20,
  /** A health sweep every 5 minutes; one in eight opened or resolved something. */
  sweepEveryMinutes: 5,
  auditEvents: 60_000,
} as const;

export interface HistoryCounts {
  operations: number;
  findings: number;
  syncRuns: number;
  sweeps: number;
  auditEvents: number;
}

/**
 * A month of history before `now` on the fleet's environment, written in bulk (a statement per
 * table): finished operations on its groups, findings opened and mostly resolved on its instances,
 * inventory syncs, health sweeps and audit events. Without it the activity feed would read a
 * handful of rows, and a read that is fast on an empty database says nothing about one in use.
 * Every row is at least an hour older than `now`, so what the bench itself just did stays the newest.
 */
export async function seedActivityHistory(pool: pg.Pool, now: Date): Promise<HistoryCounts> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const start = new Date(now.getTime() - HISTORY.days * 24 * 3600 * 1000);
    const span = `${HISTORY.days * 24 * 3600 - 3600} seconds`;
    // The n-th row of a table is spread evenly over the month: n / count of the span after `start`.
    const at = (count: number) => `$1::timestamptz + (n::float8 / ${count}) * interval '${span}'`;
    const operations = await client.query(
      `WITH targets AS (SELECT array_agg(id) AS ids, min(environment_id::text)::uuid AS environment_id
                          FROM resources WHERE kind = 'AUTO_SCALING_GROUP')
       INSERT INTO operations (id, kind, environment_id, target_resource_id, params, plan, status, step,
                               requested_by_name, request_hash, deadline_at, created_at, started_at, finished_at,
                               updated_at, error)
       SELECT gen_random_uuid(), (ARRAY['SCALE', 'PUT_MEMORY_SCALING_POLICY', 'START_DEPLOYMENT', 'CREATE_SNAPSHOT']
                                  ::"OperationKind"[])[1 + n % 4],
              t.environment_id, t.ids[1 + n % cardinality(t.ids)], '{}', '{}',
              CASE WHEN n % 10 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END::"OperationStatus", 'done',
              'ops-' || (n % 7), md5(n::text) || md5(n::text), ${at(HISTORY.operations)} + interval '1 hour',
              ${at(HISTORY.operations)}, ${at(HISTORY.operations)}, ${at(HISTORY.operations)} + interval '4 minutes',
              ${at(HISTORY.operations)} + interval '4 minutes',
              CASE WHEN n % 10 = 0 THEN jsonb_build_object('message', 'the group did not reach its capacity') END
         FROM targets t, generate_series(0, ${HISTORY.operations - 1}) n`,
      [start],
    );
    const findings = await client.query(
      `WITH targets AS (SELECT array_agg(id) AS ids, min(environment_id::text)::uuid AS environment_id
                          FROM resources WHERE kind = 'INSTANCE')
       INSERT INTO findings (id, environment_id, resource_id, rule_id, severity, status, summary, opened_at,
                             last_seen_at, resolved_at, resolution)
       SELECT gen_random_uuid(), t.environment_id, t.ids[1 + (n * 7919) % cardinality(t.ids)],
              (ARRAY['memory_pressure', 'cpu_saturation'])[1 + n % 2],
              (ARRAY['WARNING', 'CRITICAL'])[1 + n % 2]::finding_severity, 'RESOLVED'::finding_status,
              'memory above 85% for 15 minutes', ${at(HISTORY.findings)},
              ${at(HISTORY.findings)} + interval '40 minutes', ${at(HISTORY.findings)} + interval '45 minutes',
              'back under the threshold'
         FROM targets t, generate_series(0, ${HISTORY.findings - 1}) n`,
      [start],
    );
    const syncCount = Math.floor((HISTORY.days * 24 * 60) / HISTORY.syncEveryMinutes);
    const syncRuns = await client.query(
      `INSERT INTO sync_runs (id, environment_id, status, trigger, started_at, finished_at, discovered, unchanged, updated)
       SELECT gen_random_uuid(), e.id, 'SUCCEEDED', 'schedule', ${at(syncCount)},
              ${at(syncCount)} + interval '3 seconds', 11007, 11000 - n % 5, 7 + n % 5
         FROM (SELECT id FROM environments ORDER BY name LIMIT 1) e, generate_series(0, ${syncCount - 1}) n`,
      [start],
    );
    const sweepCount = Math.floor((HISTORY.days * 24 * 60) / HISTORY.sweepEveryMinutes);
    const sweeps = await client.query(
      `INSERT INTO health_sweeps (id, trigger, status, started_at, finished_at, window_start, window_end, resources,
                                  findings_opened, findings_resolved)
       SELECT gen_random_uuid(), 'schedule', 'SUCCEEDED', ${at(sweepCount)}, ${at(sweepCount)} + interval '5 seconds',
              ${at(sweepCount)} - interval '1 hour', ${at(sweepCount)}, 11007,
              CASE WHEN n % 8 = 0 THEN 1 + n % 3 ELSE 0 END, CASE WHEN n % 8 = 4 THEN 1 ELSE 0 END
         FROM generate_series(0, ${sweepCount - 1}) n`,
      [start],
    );
    const auditEvents = await client.query(
      `INSERT INTO audit_events (at, actor_name, action, target_type, target_id, after)
       SELECT ${at(HISTORY.auditEvents)}, 'ops-' || (n % 7), 'resource.updated', 'resource', gen_random_uuid()::text,
              jsonb_build_object('desiredCapacity', n % 10)
         FROM generate_series(0, ${HISTORY.auditEvents - 1}) n`,
      [start],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE operations, findings, sync_runs, health_sweeps, audit_events");
    return {
      operations: operations.rowCount ?? 0,
      findings: findings.rowCount ?? 0,
      syncRuns: syncRuns.rowCount ?? 0,
      sweeps: sweeps.rowCount ?? 0,
      auditEvents: auditEvents.rowCount ?? 0,
    };
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}
