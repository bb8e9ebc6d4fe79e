import { type ClaimedDelivery, type DeliveryQueue, subscriptionWants, type WebhookFormat } from "@fastier/core";
import { LOCK_KEYS } from "../advisoryLock.ts";
import type { DatabaseHandle } from "../prismaClient.ts";
import { inTransaction } from "./pgTransaction.ts";
import { fromDbEnum } from "./rowMapping.ts";
import {
  NOTIFICATION_EVENT_COLUMNS,
  type NotificationEventRow,
  notificationEventFromRow,
  subscriptionFromRow,
  type WebhookSubscriptionRow,
} from "./webhookRows.ts";

const SUBSCRIPTION_COLUMNS = `id, url, events, min_severity::text AS "minSeverity", environment_id AS "environmentId",
  format::text AS format, enabled, consecutive_failures AS "consecutiveFailures", last_success_at AS "lastSuccessAt",
  last_failure_at AS "lastFailureAt", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

interface ClaimedRow extends NotificationEventRow {
  delivery_id: string;
  attempts: number;
  first_attempt_at: Date;
  subscription_id: string;
  url: string;
  format: string;
  secret: string;
}

/**
 * The outbox's worker side, in plain pg: `FOR UPDATE SKIP LOCKED` claims and set-based fan-out
 * are SQL Prisma cannot express.
 */
export function createDeliveryQueue({ pool }: Pick<DatabaseHandle, "pool">): DeliveryQueue {
  return {
    async fanOut(limit, now) {
      return inTransaction(pool, async (client) => {
        // One fan-out at a time, so events are turned into deliveries in sequence order.
        const { rows: lock } = await client.query<{ locked: boolean }>(
          "SELECT pg_try_advisory_xact_lock($1) AS locked",
          [LOCK_KEYS.notificationFanOut],
        );
        if (!lock[0]?.locked) return 0;
        const { rows: events } = await client.query<NotificationEventRow & { sequence: string }>(
          `SELECT ${NOTIFICATION_EVENT_COLUMNS}, ev.sequence FROM notification_events ev
            WHERE ev.fanned_out_at IS NULL ORDER BY ev.sequence LIMIT $1`,
          [limit],
        );
        if (events.length === 0) return 0;
        const { rows: subscriptions } = await client.query<WebhookSubscriptionRow>(
          `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE enabled`,
        );
        const wanted = subscriptions.map(subscriptionFromRow);
        const deliveries = events.flatMap((row) => {
          const event = notificationEventFromRow(row);
          return wanted
            .filter((subscription) => subscriptionWants(subscription, event))
            .map((subscription) => ({
              subscription_id: subscription.id,
              event_id: event.id,
              event_sequence: row.sequence,
              subject_id: event.subject.id,
            }));
        });
        if (deliveries.length > 0) {
          // The unique (subscription, event) key: an event reaches a subscription once, however often this runs.
          await client.query(
            `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_sequence, subject_id, next_attempt_at)
             SELECT gen_random_uuid(), x.subscription_id, x.event_id, x.event_sequence, x.subject_id, $2
               FROM jsonb_to_recordset($1::jsonb)
                    AS x(subscription_id uuid, event_id uuid, event_sequence bigint, subject_id uuid)
              ORDER BY x.event_sequence
             ON CONFLICT (subscription_id, event_id) DO NOTHING`,
            [JSON.stringify(deliveries), now],
          );
        }
        await client.query("UPDATE notification_events SET fanned_out_at = $2 WHERE id = ANY($1::uuid[])", [
          events.map((event) => event.event_id),
          now,
        ]);
        return events.length;
      });
    },

    async claimDue(workerId, now, leaseUntil, limit) {
      // A delivery is due only when no earlier event of the same subject is still pending for the
      // same subscription: that keeps each resource's events in order, even across workers.
      const { rows } = await pool.query<ClaimedRow>(
        `WITH due AS (
           SELECT d.id FROM webhook_deliveries d
            WHERE d.status = 'PENDING' AND d.next_attempt_at <= $2
              AND (d.lease_expires_at IS NULL OR d.lease_expires_at < $2)
              AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = d.subscription_id AND s.enabled)
              AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries e
                 WHERE e.subscription_id = d.subscription_id AND e.subject_id = d.subject_id
                   AND e.status = 'PENDING' AND e.event_sequence < d.event_sequence)
            ORDER BY d.next_attempt_at, d.event_sequence
            LIMIT $4
            FOR UPDATE SKIP LOCKED),
         claimed AS (
           UPDATE webhook_deliveries d
              SET lease_owner = $1, lease_expires_at = $3, attempts = d.attempts + 1,
                  first_attempt_at = COALESCE(d.first_attempt_at, $2)
             FROM due WHERE d.id = due.id
           RETURNING d.id, d.attempts, d.first_attempt_at, d.subscription_id, d.event_id)
         SELECT c.id AS delivery_id, c.attempts, c.first_attempt_at, c.subscription_id, s.url, s.format::text AS format,
                s.secret, ${NOTIFICATION_EVENT_COLUMNS}
           FROM claimed c
           JOIN webhook_subscriptions s ON s.id = c.subscription_id
           JOIN notification_events ev ON ev.id = c.event_id`,
        [workerId, now, leaseUntil, limit],
      );
      return rows.map(
        (row): ClaimedDelivery => ({
          deliveryId: row.delivery_id,
          attempt: row.attempts,
          firstAttemptAt: row.first_attempt_at,
          event: notificationEventFromRow(row),
          subscription: {
            id: row.subscription_id,
            url: row.url,
            format: fromDbEnum<WebhookFormat>(row.format),
            secret: row.secret,
          },
        }),
      );
    },

    async prune(before) {
      // Deliveries go with their event (ON DELETE CASCADE); a pending one keeps its event.
      const { rowCount } = await pool.query(
        `DELETE FROM notification_events ev
          WHERE ev.fanned_out_at < $1
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = 'PENDING')`,
        [before],
      );
      return rowCount ?? 0;
    },

    async recordAttempt(deliveryId, workerId, record) {
      return inTransaction(pool, async (client) => {
        const delivered = record.outcome === "delivered";
        const status = delivered ? "DELIVERED" : record.outcome === "given_up" ? "FAILED" : "PENDING";
        const { rows } = await client.query<{ subscription_id: string }>(
          `UPDATE webhook_deliveries
              SET status = $3::webhook_delivery_status, lease_owner = NULL, lease_expires_at = NULL,
                  last_attempt_at = $4::timestamptz, last_status_code = $5, last_duration_ms = $6, last_error = $7,
                  next_attempt_at = COALESCE($8, next_attempt_at), delivered_at = CASE WHEN $9::boolean THEN $4::timestamptz END
            WHERE id = $1 AND lease_owner = $2 AND status = 'PENDING'
           RETURNING subscription_id`,
          [
            deliveryId,
            workerId,
            status,
            record.at,
            record.statusCode,
            Math.round(record.durationMs),
            record.error?.slice(0, 500) ?? null,
            record.nextAttemptAt,
            delivered,
          ],
        );
        const subscriptionId = rows[0]?.subscription_id;
        if (!subscriptionId) return false;
        await client.query(
          delivered
            ? "UPDATE webhook_subscriptions SET consecutive_failures = 0, last_success_at = $2 WHERE id = $1"
            : "UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1, last_failure_at = $2 WHERE id = $1",
          [subscriptionId, record.at],
        );
        return true;
      });
    },
  };
}
