import type { AuditContext } from "@fastier/core";
import type pg from "pg";
import type { AuditEntry } from "./auditWriter.ts";
import { toJsonValue } from "./jsonValue.ts";

/** Events per INSERT: one jsonb parameter each, so the size, not a bind-parameter limit, sets the batch. */
const AUDIT_BATCH_ROWS = 2_000;

/**
 * Writes many audit events of one actor inside the caller's plain-pg transaction, set-based: the
 * same rows `writeAudit` would write one at a time (the JSON columns through the same `toJsonValue`,
 * `at` from the transaction's clock), with ids in the order of `entries`.
 */
export async function writeAuditEvents(client: pg.ClientBase, context: AuditContext, entries: AuditEntry[]) {
  for (let start = 0; start < entries.length; start += AUDIT_BATCH_ROWS) {
    const batch = entries.slice(start, start + AUDIT_BATCH_ROWS).map((entry) => ({
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      // An absent key is SQL NULL, as an omitted Prisma field is; a JSON null would be stored as jsonb 'null'.
      ...(entry.before === undefined ? {} : { before: toJsonValue(entry.before) }),
      ...(entry.after === undefined ? {} : { after: toJsonValue(entry.after) }),
    }));
    await client.query(
      `INSERT INTO audit_events (actor_key_id, actor_name, action, target_type, target_id, before, after, request_id)
       SELECT $2, $3, x.action, x.target_type, x.target_id, x.before, x.after, $4
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                         AS (action text, target_type text, target_id text, before jsonb, after jsonb))
              WITH ORDINALITY AS x(action, target_type, target_id, before, after, position)
        ORDER BY x.position`,
      [JSON.stringify(batch), context.actor.keyId, context.actor.name, context.requestId],
    );
  }
}
