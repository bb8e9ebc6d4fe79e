import type { ActivityEntry, ActivityPage, ActivityQuery, ActivityType } from "@fastier/core";
import type pg from "pg";

/** Longest error text carried into an activity title. */
const TITLE_DETAIL_CHARS = 200;

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

export type ActivityWindow = { before: Date | undefined; limit: number } | { at: Date };

/** A quiet sweep every five minutes is not news: only sweeps that changed something or went wrong are activity. */
const NEWSWORTHY_SWEEP = "(h.findings_opened > 0 OR h.findings_resolved > 0 OR h.status IN ('FAILED', 'PARTIAL'))";

/**
 * Every kind of activity as one UNION ALL, newest first. Each branch is ordered and limited by itself
 * too, so it reads only its newest rows, from an index on its time column (for sweeps a partial index
 * of the newsworthy ones: most sweeps are not). The branches read their own table only; the names
 * (of the resource, of a sync's environment) are joined to the page once it is cut, so a page of 50
 * looks up 50 names, not 50 per branch.
 */
export function activityQuery(
  window: ActivityWindow,
  environmentId: string | undefined,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown, cast: string) => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };
  const limit = "limit" in window ? param(window.limit, "int") : null;
  const edge =
    "at" in window ? param(window.at, "timestamptz") : window.before ? param(window.before, "timestamptz") : null;
  const environment = environmentId ? param(environmentId, "uuid") : null;
  const order = "ORDER BY at DESC, type, event, id DESC";

  const branch = (select: string, from: string, at: string, conditions: string[], environmentColumn: string | null) => {
    const where = [`${at} IS NOT NULL`, ...conditions];
    if (edge) where.push(`${at} ${"at" in window ? "=" : "<"} ${edge}`);
    if (environment) where.push(environmentColumn ? `${environmentColumn} = ${environment}` : "false");
    return `(SELECT ${select}, ${at} AS at FROM ${from} WHERE ${where.join(" AND ")}
             ${limit ? `ORDER BY ${at} DESC LIMIT ${limit}` : ""})`;
  };

  const operationColumns = (event: string) =>
    `'operation'::text AS type, ${event} AS event, o.id, o.environment_id AS "environmentId",
     o.target_resource_id AS "resourceId", lower(o.kind::text) AS subject,
     jsonb_build_object('requestedBy', o.requested_by_name, 'error', o.error ->> 'message') AS detail`;
  const findingColumns = (event: string) =>
    `'finding'::text AS type, ${event} AS event, f.id, f.environment_id AS "environmentId",
     f.resource_id AS "resourceId", f.rule_id::text AS subject,
     jsonb_build_object('severity', lower(f.severity::text)) AS detail`;

  const branches = [
    branch(operationColumns("'operation.created'::text"), "operations o", "o.created_at", [], "o.environment_id"),
    branch(
      operationColumns("'operation.' || lower(o.status::text)"),
      "operations o",
      "o.finished_at",
      [],
      "o.environment_id",
    ),
    branch(findingColumns("'finding.opened'::text"), "findings f", "f.opened_at", [], "f.environment_id"),
    branch(findingColumns("'finding.resolved'::text"), "findings f", "f.resolved_at", [], "f.environment_id"),
    // The subject, the environment's name, is joined to the page.
    branch(
      `'sync'::text AS type, 'sync.' || lower(s.status::text) AS event, s.id, s.environment_id AS "environmentId",
       NULL::uuid AS "resourceId", NULL::text AS subject,
       jsonb_build_object('created', s.created, 'updated', s.updated, 'markedGone', s.marked_gone, 'error', s.error) AS detail`,
      "sync_runs s",
      "s.finished_at",
      [],
      "s.environment_id",
    ),
    branch(
      `'sweep'::text AS type, 'sweep.' || lower(h.status::text) AS event, h.id, NULL::uuid AS "environmentId",
       NULL::uuid AS "resourceId", h.trigger::text AS subject,
       jsonb_build_object('opened', h.findings_opened, 'resolved', h.findings_resolved,
                          'errors', jsonb_array_length(h.errors), 'error', h.error) AS detail`,
      "health_sweeps h",
      "h.finished_at",
      [NEWSWORTHY_SWEEP],
      null,
    ),
  ];
  // Names by scalar subqueries, one primary-key look-up per entry of the page: as joins, the planner
  // (which cannot know the page's ids) may hash the whole resources table instead.
  const text = `SELECT type, event, at, id, "environmentId", "resourceId",
         COALESCE(subject, (SELECT e.name::text FROM environments e WHERE e.id = page."environmentId")) AS subject,
         (SELECT r.name FROM resources r WHERE r.id = page."resourceId") AS "resourceName", detail
    FROM (SELECT * FROM (${branches.join("\nUNION ALL\n")}) branches ${order} ${limit ? `LIMIT ${limit}` : ""}) page
    ${order}`;
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

/** A page of activity; see `DashboardReads.activity`. */
export async function readActivity(pool: pg.Pool, query: ActivityQuery): Promise<ActivityPage> {
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
}
