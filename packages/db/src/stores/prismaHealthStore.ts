import { randomUUID } from "node:crypto";
import {
  FINDING_SEVERITIES,
  type Finding,
  type FindingSeverity,
  type HealthStore,
  type NotificationEventInput,
} from "@fastier/core";
import type { SweepStatus as SweepStatusRow } from "../generated/prisma/enums.ts";
import type { DatabaseHandle } from "../prismaClient.ts";
import { findingFromRow, recommendationFromRow, sweepFromRow } from "./healthRows.ts";
import { pruneSamples, resolveSeries, writeSamples } from "./metricSampleWrites.ts";
import { onPgClient, onPrismaTransaction, writeNotifications } from "./notificationOutbox.ts";
import { inTransaction } from "./pgTransaction.ts";
import { RESOURCE_COLUMNS, type ResourceColumnsRow } from "./resourceColumns.ts";
import { fromDbEnum, resourceFromRow, toDbEnum } from "./rowMapping.ts";

const SWEPT_KINDS = ["AUTO_SCALING_GROUP", "INSTANCE", "DB_INSTANCE"] as const;
/**
 * The sweep's side of the health tables. Bulk writes go through `pg` with
 * `unnest` / `jsonb_to_recordset`, one statement per batch, and every insert
 * tolerates a row that is already there, so a sweep redone after a crash
 * writes nothing twice.
 */
export function createHealthStore({ prisma, pool }: Pick<DatabaseHandle, "prisma" | "pool">): HealthStore {
  return {
    async startSweep(start) {
      // The caller holds the sweep lock: a sweep still marked running belongs to a process that died.
      await prisma.healthSweep.updateMany({
        where: { status: "RUNNING" },
        data: { status: "INTERRUPTED", finishedAt: start.startedAt, error: "the process running it stopped" },
      });
      const previous = await prisma.healthSweep.findFirst({
        where: { status: { in: ["SUCCEEDED", "PARTIAL"] } },
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        select: { windowEnd: true },
      });
      const row = await prisma.healthSweep.create({ data: start });
      return { sweep: sweepFromRow(row), previousWindowEnd: previous?.windowEnd ?? null };
    },

    async sweepResources(region) {
      // Plain pg, like the resource list: on a 10,000-instance fleet Prisma's client engine took
      // ~0.4 s of a ~4 s sweep to read these rows (npm run bench:sweep).
      const { rows } = await pool.query<ResourceColumnsRow>(
        `SELECT ${RESOURCE_COLUMNS} FROM resources
          WHERE kind = ANY($1::"ResourceKind"[]) AND status <> 'GONE'
            AND environment_id IN (SELECT id FROM environments WHERE region = $2)
          ORDER BY environment_id, kind, name, id`,
        [SWEPT_KINDS, region],
      );
      return rows.map(resourceFromRow);
    },

    resolveSeries: (series) => resolveSeries(pool, series),

    writeSamples: (samples, newFrom) => writeSamples(pool, samples, newFrom),

    async openFindings() {
      return (await prisma.finding.findMany({ where: { status: "OPEN" } })).map(findingFromRow);
    },

    async applyFindingChanges(sweepId, changes) {
      await inTransaction(pool, async (client) => {
        const events: NotificationEventInput[] = [];
        if (changes.toResolve.length > 0) {
          const { rows } = await client.query<FindingEventRow & { resolution: string; resolved_at: Date }>(
            `UPDATE findings f SET status = 'RESOLVED', resolved_at = x.resolved_at, resolution = x.resolution, last_sweep_id = $2
               FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, resolved_at timestamptz, resolution text)
              WHERE f.id = x.id AND f.status = 'OPEN'
             RETURNING ${FINDING_EVENT_COLUMNS}, f.resolution, f.resolved_at`,
            [
              JSON.stringify(
                changes.toResolve.map((f) => ({ id: f.id, resolved_at: f.resolvedAt, resolution: f.resolution })),
              ),
              sweepId,
            ],
          );
          events.push(
            ...rows.map((row) =>
              findingEvent("finding.resolved", row, row.resolved_at, { resolution: row.resolution }, row.resolution),
            ),
          );
        }
        if (changes.toUpdate.length > 0) {
          // The self-join reads each row as it was before this statement: the severity it escalates from.
          const { rows } = await client.query<FindingEventRow & { previous: string; last_seen_at: Date }>(
            `UPDATE findings f SET severity = x.severity::finding_severity, evidence = x.evidence, summary = x.summary,
                    last_seen_at = x.last_seen_at, last_sweep_id = $2
               FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, severity text, evidence jsonb, summary text, last_seen_at timestamptz),
                    findings before
              WHERE f.id = x.id AND before.id = f.id AND f.status = 'OPEN'
             RETURNING ${FINDING_EVENT_COLUMNS}, before.severity::text AS previous, f.last_seen_at`,
            [JSON.stringify(changes.toUpdate.map((f) => findingColumns(f))), sweepId],
          );
          const rank = (severity: string) => FINDING_SEVERITIES.indexOf(fromDbEnum<FindingSeverity>(severity));
          events.push(
            ...rows
              .filter((row) => rank(row.severity) > rank(row.previous))
              .map((row) =>
                findingEvent("finding.escalated", row, row.last_seen_at, {
                  previousSeverity: fromDbEnum(row.previous),
                }),
              ),
          );
        }
        if (changes.toOpen.length > 0) {
          // An open finding already there for the same (resource, rule) wins: the partial unique index makes this a no-op.
          const { rows } = await client.query<FindingEventRow & { opened_at: Date }>(
            `INSERT INTO findings AS f (id, environment_id, resource_id, rule_id, severity, status, summary, evidence,
                                   opened_at, last_seen_at, opened_by_sweep_id, last_sweep_id)
             SELECT x.id, r.environment_id, x.resource_id, x.rule_id, x.severity::finding_severity, 'OPEN', x.summary,
                    x.evidence, x.opened_at, x.last_seen_at, $2, $2
               FROM jsonb_to_recordset($1::jsonb)
                    AS x(id uuid, resource_id uuid, rule_id text, severity text, summary text, evidence jsonb,
                         opened_at timestamptz, last_seen_at timestamptz)
               JOIN resources r ON r.id = x.resource_id
             ON CONFLICT DO NOTHING
             RETURNING ${FINDING_EVENT_COLUMNS}, f.opened_at`,
            [
              JSON.stringify(
                changes.toOpen.map((f) => ({
                  ...findingColumns({ ...f, id: randomUUID() }),
                  resource_id: f.resourceId,
                  rule_id: f.ruleId,
                  opened_at: f.openedAt,
                })),
              ),
              sweepId,
            ],
          );
          events.push(...rows.map((row) => findingEvent("finding.opened", row, row.opened_at, {})));
        }
        await writeNotifications(onPgClient(client), events);
      });
      return this.openFindings();
    },

    async currentRecommendations() {
      return (await prisma.recommendation.findMany({ where: { closedAt: null } })).map(recommendationFromRow);
    },

    async applyRecommendationChanges(changes, now) {
      return inTransaction(pool, async (client) => {
        const ids = new Map(changes.add.map((recommendation) => [recommendation, randomUUID()]));
        // Close first: a replacement of the same kind for the same finding may only be inserted once the old one is closed.
        const closing = changes.superseded.map(({ recommendation, reason, replacedBy }) => ({
          id: recommendation.id,
          reason,
          replaced_by_id: replacedBy ? (ids.get(replacedBy) ?? null) : null,
        }));
        let closed = 0;
        if (closing.length > 0) {
          const result = await client.query(
            `UPDATE recommendations r
                SET closed_at = $2, close_reason = x.reason, updated_at = $2,
                    status = CASE WHEN r.status = 'OPEN' THEN 'SUPERSEDED'::recommendation_status ELSE r.status END
               FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, reason text, replaced_by_id uuid)
              WHERE r.id = x.id AND r.closed_at IS NULL`,
            [JSON.stringify(closing), now],
          );
          closed = result.rowCount ?? 0;
        }
        let created = 0;
        if (changes.add.length > 0) {
          const result = await client.query(
            `INSERT INTO recommendations (id, environment_id, resource_id, finding_id, rule_id, kind, title, rationale,
                                          proposal, monthly_cost_delta_usd, options, apply, manual_steps,
                                          created_at, updated_at)
             SELECT x.id, r.environment_id, x.resource_id, x.finding_id, x.rule_id, x.kind, x.title, x.rationale,
                    x.proposal, x.monthly_cost_delta_usd, x.options, x.apply, x.manual_steps, $2, $2
               FROM jsonb_to_recordset($1::jsonb)
                    AS x(id uuid, resource_id uuid, finding_id uuid, rule_id text, kind text, title text, rationale text,
                         proposal jsonb, monthly_cost_delta_usd float8, options jsonb, apply jsonb,
                         manual_steps jsonb)
               JOIN resources r ON r.id = x.resource_id
               JOIN findings f ON f.id = x.finding_id AND f.status = 'OPEN'
             ON CONFLICT DO NOTHING`,
            [
              JSON.stringify(
                changes.add.map((recommendation) => ({
                  id: ids.get(recommendation),
                  resource_id: recommendation.resourceId,
                  finding_id: recommendation.findingId,
                  rule_id: recommendation.ruleId,
                  kind: recommendation.kind,
                  title: recommendation.title,
                  rationale: recommendation.rationale,
                  proposal: recommendation.proposal,
                  monthly_cost_delta_usd: recommendation.monthlyCostDeltaUsd,
                  options: recommendation.options,
                  apply: recommendation.apply,
                  manual_steps: recommendation.manualSteps,
                })),
              ),
              now,
            ],
          );
          created = result.rowCount ?? 0;
        }
        const replaced = closing.filter((c) => c.replaced_by_id !== null);
        if (replaced.length > 0) {
          await client.query(
            `UPDATE recommendations r SET replaced_by_id = x.replaced_by_id
               FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, replaced_by_id uuid)
              WHERE r.id = x.id AND EXISTS (SELECT 1 FROM recommendations n WHERE n.id = x.replaced_by_id)`,
            [JSON.stringify(replaced)],
          );
        }
        return { created, closed };
      });
    },

    pruneSamples: (before) => pruneSamples(pool, before),

    async finishSweep(id, outcome) {
      return prisma.$transaction(async (tx) => {
        const row = await tx.healthSweep.update({
          where: { id },
          data: {
            status: toDbEnum<SweepStatusRow>(outcome.status),
            finishedAt: outcome.finishedAt,
            ...outcome.stats,
            errors: outcome.errors as object[],
            error: outcome.error?.slice(0, 2000) ?? null,
          },
        });
        if (outcome.status === "failed") {
          await writeNotifications(onPrismaTransaction(tx), [
            {
              type: "sweep.failed",
              occurredAt: outcome.finishedAt,
              environmentId: null,
              subject: { id, kind: "health_sweep", name: `${row.trigger} sweep` },
              severity: null,
              data: { sweepId: id, summary: outcome.error ?? "the sweep failed", error: outcome.error ?? null },
            },
          ]);
        }
        return sweepFromRow(row);
      });
    },
  };
}

/** What a finding event needs of the row a statement changed. */
const FINDING_EVENT_COLUMNS = "f.id, f.resource_id, f.rule_id, f.severity::text AS severity, f.summary";
interface FindingEventRow {
  id: string;
  resource_id: string;
  rule_id: string;
  severity: string;
  summary: string;
}

function findingEvent(
  type: "finding.opened" | "finding.escalated" | "finding.resolved",
  row: FindingEventRow,
  occurredAt: Date,
  extra: Record<string, unknown>,
  summary = row.summary,
): NotificationEventInput {
  const severity = fromDbEnum<FindingSeverity>(row.severity);
  return {
    type,
    occurredAt,
    subject: { id: row.resource_id },
    severity,
    data: { findingId: row.id, ruleId: row.rule_id, severity, summary, ...extra },
  };
}

function findingColumns(finding: Pick<Finding, "severity" | "evidence" | "summary" | "lastSeenAt"> & { id: string }) {
  return {
    id: finding.id,
    severity: toDbEnum(finding.severity),
    evidence: finding.evidence,
    summary: finding.summary.slice(0, 2000),
    last_seen_at: finding.lastSeenAt,
  };
}
