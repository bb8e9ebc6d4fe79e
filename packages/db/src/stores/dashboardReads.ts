import {
  ACTIVE_STATUSES,
  type ActivityEntry,
  type ActivityType,
  type DashboardReads,
  type EnvironmentOverview,
  environmentHealth,
  type MemoryHeadline,
  type OperationKind,
  type RunningOperationSummary,
  type SeriesStat,
  SWEEP_PERIOD_SECONDS,
  type SweepStatus,
} from "@fastier/core";
import type { DatabaseHandle } from "../prismaClient.ts";
import { toDbOperationStatus } from "./operationRows.ts";
import { fromDbEnum } from "./rowMapping.ts";

/** The memory headline reads the series the memory rule works on. */
const MEMORY_METRIC = "mem_used_percent";
const MEMORY_STAT = "Maximum";
const PEAK_WINDOW = "24 hours";

/** Each statistic is aggregated into a bucket by the SQL function of the same meaning. */
const AGGREGATES: Record<SeriesStat, string> = { Maximum: "max", Minimum: "min", Average: "avg" };

/** Longest error text carried into an activity title. */
const TITLE_DETAIL_CHARS = 200;

interface EnvironmentRow {
  id: string;
  name: string;
  region: string;
  critical: number;
  warning: number;
  info: number;
  openRecommendations: number;
}

interface RunningOperationRow {
  id: string;
  environmentId: string;
  kind: string;
  status: string;
  step: string;
  targetResourceId: string;
  createdAt: Date;
}

interface MemoryRow extends MemoryHeadline {
  environmentId: string;
}

interface SweepRow {
  id: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
}

interface ActivityRow {
  type: ActivityType;
  event: string;
  at: Date;
  id: string;
  environmentId: string | null;
  resourceId: string | null;
  /** Operation kind, finding rule, environment name of a sync, trigger of a sweep. */
  subject: string;
  resourceName: string | null;
  detail: Record<string, unknown>;
}

/**
 * The dashboard's reads in plain pg: each is an aggregate over several tables
 * that Prisma would either split into many queries or not express at all
 * (DISTINCT-free latest-per-group via LATERAL, date_bin, UNION ALL).
 */
export function createDashboardReads({ pool }: Pick<DatabaseHandle, "pool">): DashboardReads {
  return {
    async fleetOverview(now) {
      // Four statements whatever the number of environments, groups or findings.
      const [environments, operations, memory, sweeps] = await Promise.all([
        pool.query<EnvironmentRow>(
          `SELECT e.id, e.name, e.region,
                  COALESCE(f.critical, 0)::int AS critical, COALESCE(f.warning, 0)::int AS warning,
                  COALESCE(f.info, 0)::int AS info, COALESCE(r.open, 0)::int AS "openRecommendations"
             FROM environments e
             LEFT JOIN (SELECT environment_id,
                               count(*) FILTER (WHERE severity = 'CRITICAL') AS critical,
                               count(*) FILTER (WHERE severity = 'WARNING') AS warning,
                               count(*) FILTER (WHERE severity = 'INFO') AS info
                          FROM findings WHERE status = 'OPEN' GROUP BY environment_id) f ON f.environment_id = e.id
             LEFT JOIN (SELECT environment_id, count(*) AS open
                          FROM recommendations WHERE status = 'OPEN' AND closed_at IS NULL
                         GROUP BY environment_id) r ON r.environment_id = e.id
            ORDER BY e.name, e.id`,
        ),
        pool.query<RunningOperationRow>(
          `SELECT id, environment_id AS "environmentId", kind, status, step,
                  target_resource_id AS "targetResourceId", created_at AS "createdAt"
             FROM operations WHERE status = ANY($1::"OperationStatus"[])
            ORDER BY created_at DESC, id DESC`,
          [ACTIVE_STATUSES.map(toDbOperationStatus)],
        ),
        // Both LATERAL reads walk the samples' primary key of one series backwards: a few hundred rows per group at most.
        pool.query<MemoryRow>(
          `SELECT r.id AS "resourceId", r.environment_id AS "environmentId", r.name, r.instance_type AS "instanceType",
                  r.desired_capacity AS "desiredCapacity",
                  cur.value AS "currentPercent", cur."timestamp" AS "currentAt",
                  peak.value AS "peakPercent", peak."timestamp" AS "peakAt"
             FROM resources r
             LEFT JOIN metric_series m ON m.resource_id = r.id AND m.metric = $2 AND m.stat = $3 AND m.period = $4
             LEFT JOIN LATERAL (
                  SELECT value, "timestamp" FROM metric_samples s
                   WHERE s.series_id = m.id AND s."timestamp" <= $1
                   ORDER BY s."timestamp" DESC LIMIT 1) cur ON true
             LEFT JOIN LATERAL (
                  SELECT value, "timestamp" FROM metric_samples s
                   WHERE s.series_id = m.id AND s."timestamp" <= $1 AND s."timestamp" >= $1::timestamptz - $5::interval
                   ORDER BY s.value DESC, s."timestamp" DESC LIMIT 1) peak ON true
            WHERE r.kind = 'AUTO_SCALING_GROUP' AND r.status <> 'GONE'
            ORDER BY r.name, r.id`,
          [now, MEMORY_METRIC, MEMORY_STAT, SWEEP_PERIOD_SECONDS, PEAK_WINDOW],
        ),
        pool.query<SweepRow>(
          `SELECT id, status, started_at AS "startedAt", finished_at AS "finishedAt"
             FROM health_sweeps ORDER BY started_at DESC, id DESC LIMIT 1`,
        ),
      ]);

      const operationsOf = groupBy(operations.rows, (row) => row.environmentId);
      const memoryOf = groupBy(memory.rows, (row) => row.environmentId);
      const overviews: EnvironmentOverview[] = environments.rows.map((env) => {
        const openFindings = { critical: env.critical, warning: env.warning, info: env.info };
        return {
          id: env.id,
          name: env.name,
          region: env.region,
          health: environmentHealth(openFindings),
          openFindings,
          openRecommendations: env.openRecommendations,
          runningOperations: (operationsOf.get(env.id) ?? []).map(runningOperationFromRow),
          memory: (memoryOf.get(env.id) ?? []).map(({ environmentId: _, ...headline }) => headline),
        };
      });
      const sweep = sweeps.rows[0];
      return {
        environments: overviews,
        lastSweep: sweep ? { ...sweep, status: fromDbEnum<SweepStatus>(sweep.status) } : null,
      };
    },

    async metricSeries(query) {
      // Buckets start at multiples of the period since the epoch, so a chart refreshed later gets the same buckets.
      const { rows } = await pool.query<{ timestamp: Date; value: number }>(
        `SELECT date_bin(make_interval(secs => $5::float8), "timestamp", TIMESTAMPTZ '1970-01-01 00:00:00+00') AS "timestamp",
                ${AGGREGATES[query.stat]}(value) AS value
           FROM metric_samples
          WHERE series_id = (SELECT id FROM metric_series WHERE resource_id = $1 AND metric = $2 AND stat = $3 AND period = $4)
            AND "timestamp" >= $6 AND "timestamp" < $7
          GROUP BY 1 ORDER BY 1`,
        [query.resourceId, query.metric, query.stat, query.storedPeriod, query.period, query.from, query.to],
      );
      return rows;
    },

    async activity(query) {
      const run = async (window: ActivityWindow) => {
        const { text, values } = activityQuery(window, query.environmentId);
        return (await pool.query<ActivityRow>(text, values)).rows;
      };
      const rows = await run({ before: query.before, limit: query.limit + 1 });
      if (rows.length <= query.limit) return { items: rows.map(activityEntryFromRow), nextBefore: null };

      // A page must not end inside one instant: `before` is strict, so the rest of that instant would be skipped.
      const boundary = (rows[query.limit] as ActivityRow).at.getTime();
      const page = rows.slice(0, query.limit).filter((row) => row.at.getTime() !== boundary);
      if (page.length > 0) {
        return { items: page.map(activityEntryFromRow), nextBefore: (page[page.length - 1] as ActivityRow).at };
      }
      // The whole page is one instant holding more than `limit` entries (one sweep's findings): answer all of it.
      const instant = await run({ at: new Date(boundary) });
      return { items: instant.map(activityEntryFromRow), nextBefore: new Date(boundary) };
    },
  };
}

type ActivityWindow = { before: Date | undefined; limit: number } | { at: Date };

/**
 * Every kind of activity as one UNION ALL, newest first. Each branch is
 * ordered and limited by itself too, so it reads only its newest rows.
 */
function activityQuery(window: ActivityWindow, environmentId: string | undefined): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown, cast: string) => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };
  const limit = "limit" in window ? param(window.limit, "int") : null;
  const edge =
    "at" in window ? param(window.at, "timestamptz") : window.before ? param(window.before, "timestamptz") : null;
  const environment = environmentId ? param(environmentId, "uuid") : null;

  const branch = (select: string, from: string, at: string, conditions: string[], environmentColumn: string | null) => {
    const where = [`${at} IS NOT NULL`, ...conditions];
    if (edge) where.push(`${at} ${"at" in window ? "=" : "<"} ${edge}`);
    if (environment) where.push(environmentColumn ? `${environmentColumn} = ${environment}` : "false");
    return `(SELECT ${select}, ${at} AS at FROM ${from} WHERE ${where.join(" AND ")}
             ${limit ? `ORDER BY ${at} DESC LIMIT ${limit}` : ""})`;
  };

  const operationColumns = (event: string) =>
    `'operation'::text AS type, ${event} AS event, o.id, o.environment_id AS "environmentId",
     o.target_resource_id AS "resourceId", lower(o.kind::text) AS subject, r.name AS "resourceName",
     jsonb_build_object('requestedBy', o.requested_by_name, 'error', o.error ->> 'message') AS detail`;
  const findingColumns = (event: string) =>
    `'finding'::text AS type, ${event} AS event, f.id, f.environment_id AS "environmentId",
     f.resource_id AS "resourceId", f.rule_id::text AS subject, r.name AS "resourceName",
     jsonb_build_object('severity', lower(f.severity::text)) AS detail`;
  const operationsFrom = "operations o LEFT JOIN resources r ON r.id = o.target_resource_id";
  const findingsFrom = "findings f JOIN resources r ON r.id = f.resource_id";

  const branches = [
    branch(operationColumns("'operation.created'::text"), operationsFrom, "o.created_at", [], "o.environment_id"),
    branch(
      operationColumns("'operation.' || lower(o.status::text)"),
      operationsFrom,
      "o.finished_at",
      [],
      "o.environment_id",
    ),
    branch(findingColumns("'finding.opened'::text"), findingsFrom, "f.opened_at", [], "f.environment_id"),
    branch(findingColumns("'finding.resolved'::text"), findingsFrom, "f.resolved_at", [], "f.environment_id"),
    branch(
      `'sync'::text AS type, 'sync.' || lower(s.status::text) AS event, s.id, s.environment_id AS "environmentId",
       NULL::uuid AS "resourceId", e.name::text AS subject, NULL::text AS "resourceName",
       jsonb_build_object('created', s.created, 'updated', s.updated, 'markedGone', s.marked_gone, 'error', s.error) AS detail`,
      "sync_runs s JOIN environments e ON e.id = s.environment_id",
      "s.finished_at",
      [],
      "s.environment_id",
    ),
    // Only sweeps that changed something or went wrong: a quiet sweep every five minutes is not news.
    branch(
      `'sweep'::text AS type, 'sweep.' || lower(h.status::text) AS event, h.id, NULL::uuid AS "environmentId",
       NULL::uuid AS "resourceId", h.trigger::text AS subject, NULL::text AS "resourceName",
       jsonb_build_object('opened', h.findings_opened, 'resolved', h.findings_resolved,
                          'errors', jsonb_array_length(h.errors), 'error', h.error) AS detail`,
      "health_sweeps h",
      "h.finished_at",
      ["(h.findings_opened > 0 OR h.findings_resolved > 0 OR h.status IN ('FAILED', 'PARTIAL'))"],
      null,
    ),
  ];
  const text = `SELECT * FROM (${branches.join("\nUNION ALL\n")}) activity
    ORDER BY at DESC, type, event, id DESC
    ${limit ? `LIMIT ${limit}` : ""}`;
  return { text, values };
}

function activityEntryFromRow(row: ActivityRow): ActivityEntry {
  return {
    type: row.type,
    event: row.event,
    at: row.at,
    id: row.id,
    environmentId: row.environmentId,
    resourceId: row.resourceId,
    title: activityTitle(row),
  };
}

const clip = (text: string) => (text.length > TITLE_DETAIL_CHARS ? `${text.slice(0, TITLE_DETAIL_CHARS - 1)}…` : text);
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** One line a person can read, e.g. "scale on awseb-…: succeeded", "memory_pressure (warning) opened on web-1". */
function activityTitle(row: ActivityRow): string {
  const detail = row.detail;
  const what = row.event.slice(row.event.indexOf(".") + 1);
  const error = typeof detail.error === "string" && detail.error ? ` (${clip(detail.error.split("\n")[0] ?? "")})` : "";
  switch (row.type) {
    case "operation": {
      const action = `${row.subject.replaceAll("_", " ")} on ${row.resourceName ?? row.resourceId}`;
      return what === "created" ? `${action}: requested by ${detail.requestedBy}` : `${action}: ${what}${error}`;
    }
    case "finding":
      return `${row.subject} (${detail.severity}) ${what} on ${row.resourceName ?? row.resourceId}`;
    case "sync":
      return what === "succeeded"
        ? `sync of ${row.subject}: succeeded (${detail.created} new, ${detail.updated} changed, ${detail.markedGone} gone)`
        : `sync of ${row.subject}: ${what}${error}`;
    case "sweep": {
      const counts = `${plural(Number(detail.opened), "finding")} opened, ${detail.resolved} resolved`;
      const errors = Number(detail.errors) > 0 ? `, ${plural(Number(detail.errors), "error")}` : "";
      return `health sweep (${row.subject}): ${what}, ${counts}${errors}${error}`;
    }
  }
}

function runningOperationFromRow(row: RunningOperationRow): RunningOperationSummary {
  return {
    id: row.id,
    kind: fromDbEnum<OperationKind>(row.kind),
    status: fromDbEnum<RunningOperationSummary["status"]>(row.status),
    step: row.step,
    targetResourceId: row.targetResourceId,
    createdAt: row.createdAt,
  };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
