import type { CloudPort } from "@fastier/core";
import { issueApiKey, SYSTEM_ACTOR } from "@fastier/core";
import { activityQuery, createPrismaApiKeyStore, type DatabaseHandle } from "@fastier/db";
import { buildApp } from "../apps/api/src/app.ts";
import { type HistoryCounts, seedActivityHistory } from "./activityHistory.ts";
import { BENCH_RATE_LIMITS } from "./benchTargets.ts";

/** Reads measured per read: the median is reported. */
const READS = 7;
const ACTIVITY_PAGE = 50;

export interface ReadMeasurement {
  label: string;
  /** Median through the app (authentication, validation, serialization included). */
  appMs: number;
  /** Median of the one indexed query that reads the same rows, on the same pool. */
  floorMs: number;
  floor: string;
  rows: number;
  /** For information: another baseline beside the one the target is judged against. */
  reference?: { label: string; ms: number };
}

export interface FleetDashboardResult {
  history: HistoryCounts;
  reads: ReadMeasurement[];
}

/**
 * The dashboard's reads on the swept fleet, given a month of history first, through the real app
 * (in-process requests, as the API answers them), each beside the single query of the rows it is made from.
 */
export async function measureFleetDashboard(
  database: DatabaseHandle,
  cloud: CloudPort,
  now: () => Date,
): Promise<FleetDashboardResult> {
  const history = await seedActivityHistory(database.pool, now());
  const issued = issueApiKey();
  await createPrismaApiKeyStore(database.prisma, database.pool).create(
    { name: "bench-dashboard", role: "viewer", prefix: issued.prefix, hash: issued.hash, createdBy: "bench" },
    { actor: { ...SYSTEM_ACTOR, name: "system:bench" }, requestId: null },
  );
  const app = await buildApp({
    config: { logLevel: "silent", authCacheSeconds: 10, rateLimit: BENCH_RATE_LIMITS },
    database,
    cloud,
    now,
    logger: false,
  });
  try {
    const get = async (url: string) => {
      const response = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${issued.key}` } });
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
      return response.json();
    };
    const groups = (
      await database.pool.query<{ id: string }>(
        "SELECT id FROM resources WHERE kind = 'AUTO_SCALING_GROUP' AND status <> 'GONE'",
      )
    ).rows.map((row) => row.id);
    const memoryRows = `SELECT m.resource_id, s."timestamp", s.value
      FROM metric_series m JOIN metric_samples s ON s.series_id = m.id
      WHERE m.resource_id = ANY($1::uuid[]) AND m.metric = 'mem_used_percent' AND m.stat = 'Maximum' AND m.period = 300
        AND s."timestamp" <= $2 AND s."timestamp" >= $2::timestamptz - interval '24 hours'`;
    // The activity's floor is its own statement, sent as the store sends it: the same rows, read by one
    // query, so the ratio is what the route adds (authentication, validation, titles, serialization).
    // A page of as many audit events by their (at, id) index is shown beside it: the cheapest read of
    // a page of that size, against which the UNION of six indexed branches itself can be judged.
    const activity = activityQuery({ before: undefined, limit: ACTIVITY_PAGE + 1 }, undefined);
    const auditPage = `SELECT * FROM audit_events ORDER BY at DESC, id DESC LIMIT ${ACTIVITY_PAGE + 1}`;
    const reads: ReadMeasurement[] = [
      {
        label: "GET /v1/dashboard",
        appMs: await medianMs(() => get("/v1/dashboard")),
        floor: `memory samples of every group, last 24 h, by primary key (${groups.length} groups)`,
        floorMs: await medianMs(() => database.pool.query(memoryRows, [groups, now()])),
        rows: (await database.pool.query(memoryRows, [groups, now()])).rowCount ?? 0,
      },
      {
        label: `GET /v1/activity?limit=${ACTIVITY_PAGE}`,
        appMs: await medianMs(() => get(`/v1/activity?limit=${ACTIVITY_PAGE}`)),
        floor: "the activity's own SQL (six indexed branches, each cut to the page) sent directly through pg",
        floorMs: await medianMs(() => database.pool.query(activity)),
        rows: (await database.pool.query(activity)).rowCount ?? 0,
        reference: {
          label: `a page of ${ACTIVITY_PAGE + 1} audit events by their (at, id) index`,
          ms: await medianMs(() => database.pool.query(auditPage)),
        },
      },
    ];
    return { history, reads };
  } finally {
    await app.close();
  }
}

/** One untimed read (plans, serializers, caches), then the median of READS. */
async function medianMs(read: () => Promise<unknown>): Promise<number> {
  await read();
  const times: number[] = [];
  for (let index = 0; index < READS; index++) {
    const started = performance.now();
    await read();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
