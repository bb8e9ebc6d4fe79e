import type { NotificationEventInput } from "@fastier/core";
import type pg from "pg";
import type { Prisma } from "../generated/prisma/client.ts";
import { toDbEnum } from "./rowMapping.ts";

/** Runs one statement inside the caller's transaction, whichever client holds it. */
export type TransactionSql = (sql: string, params: unknown[]) => Promise<unknown>;

export const onPgClient =
  (client: pg.PoolClient): TransactionSql =>
  (sql, params) =>
    client.query(sql, params);

export const onPrismaTransaction =
  (tx: Prisma.TransactionClient): TransactionSql =>
  (sql, params) =>
    tx.$executeRawUnsafe(sql, ...params);

/** The channel a commit with new events notifies, so a listening worker delivers at once instead of at its next poll. */
export const OUTBOX_CHANNEL = "fastier_outbox";

/** First key of the two-key advisory locks that order one subject's events (see LOCK_KEYS for the one-key locks). */
const SUBJECT_LOCK_SPACE = 72_410_950;

/**
 * Writes events to the outbox inside the caller's transaction (call it last in the transaction:
 * it takes a lock per subject until commit). The lock makes a subject's events commit in the
 * order of their sequence numbers, which is what the delivery order per resource relies on.
 */
export async function writeNotifications(sql: TransactionSql, events: NotificationEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const subjects = [...new Set(events.map((event) => event.subject.id))].sort();
  // Plain SQL on either client: Prisma cannot express jsonb_to_recordset, and the lock must be in this transaction.
  await sql(
    `SELECT pg_advisory_xact_lock(${SUBJECT_LOCK_SPACE}, hashtext(s))
       FROM (SELECT s FROM unnest($1::text[]) AS s ORDER BY s) AS ordered`,
    [subjects],
  );
  await sql(
    `INSERT INTO notification_events (id, type, occurred_at, environment_id, environment_name, subject_id,
                                      subject_kind, subject_name, severity, data)
     SELECT gen_random_uuid(), x.type, x.occurred_at, e.id, e.name, x.subject_id,
            COALESCE(x.subject_kind, lower(r.kind::text), 'unknown'), COALESCE(x.subject_name, r.name, e.name, ''),
            x.severity::finding_severity, x.data
       FROM jsonb_to_recordset($1::jsonb)
            AS x(n int, type text, occurred_at timestamptz, environment_id uuid, from_resource boolean,
                 subject_id uuid, subject_kind text, subject_name text, severity text, data jsonb)
       LEFT JOIN resources r ON r.id = x.subject_id
       LEFT JOIN environments e ON e.id = CASE WHEN x.from_resource THEN r.environment_id ELSE x.environment_id END
      ORDER BY x.n`,
    [
      JSON.stringify(
        events.map((event, n) => ({
          n,
          type: event.type,
          occurred_at: event.occurredAt,
          environment_id: event.environmentId ?? null,
          from_resource: event.environmentId === undefined,
          subject_id: event.subject.id,
          subject_kind: event.subject.kind ?? null,
          subject_name: event.subject.name ?? null,
          severity: event.severity ? toDbEnum(event.severity) : null,
          data: event.data,
        })),
      ),
    ],
  );
  // Sent by PostgreSQL at commit, and not at all on a rollback.
  await sql(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`, []);
}
