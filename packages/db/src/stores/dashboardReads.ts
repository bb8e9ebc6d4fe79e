import {
  ACTIVE_STATUSES,
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
import { readActivity } from "./activityQuery.ts";
import { toDbOperationStatus } from "./operationRows.ts";
import { fromDbEnum } from "./rowMapping.ts";

/** The memory headline reads the series the memory rule works on. */
const MEMORY_METRIC = "mem_used_percent";
const MEMORY_STAT = "Maximum";
const PEAK_WINDOW = "24 hours";

/** Each statistic is aggregated into a bucket by the SQL function of the same meaning. */
const AGGREGATES: Record<SeriesStat, string> = { Maximum: "max", Minimum: "min", Average: "avg" };

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

    activity: (query) => readActivity(pool, query),
  };
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
