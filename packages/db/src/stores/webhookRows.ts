import {
  FAILING_AFTER_CONSECUTIVE_FAILURES,
  type FindingSeverity,
  type NotificationEvent,
  type NotificationEventType,
  type SubscribableEventType,
  type WebhookDelivery,
  type WebhookFormat,
  type WebhookSubscription,
} from "@fastier/core";
import { fromDbEnum } from "./rowMapping.ts";

/** A subscription's columns as both Prisma and plain pg (aliased) return them; `secret` is never mapped. */
export interface WebhookSubscriptionRow {
  id: string;
  url: string;
  events: string[];
  minSeverity: string;
  environmentId: string | null;
  format: string;
  enabled: boolean;
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export function subscriptionFromRow(row: WebhookSubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    events: row.events as SubscribableEventType[],
    minSeverity: fromDbEnum<FindingSeverity>(row.minSeverity),
    environmentId: row.environmentId,
    format: fromDbEnum<WebhookFormat>(row.format),
    enabled: row.enabled,
    health: row.consecutiveFailures >= FAILING_AFTER_CONSECUTIVE_FAILURES ? "failing" : "healthy",
    consecutiveFailures: row.consecutiveFailures,
    lastSuccessAt: row.lastSuccessAt,
    lastFailureAt: row.lastFailureAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface WebhookDeliveryRow {
  id: string;
  subscriptionId: string;
  eventId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  event: { type: string };
}

export function deliveryFromRow(row: WebhookDeliveryRow): WebhookDelivery {
  const status = fromDbEnum<WebhookDelivery["status"]>(row.status);
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.event.type,
    status,
    attempts: row.attempts,
    nextAttemptAt: status === "pending" ? row.nextAttemptAt : null,
    lastAttemptAt: row.lastAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastDurationMs: row.lastDurationMs,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
  };
}

/** An outbox row as plain pg returns it (snake_case columns of notification_events). */
export interface NotificationEventRow {
  event_id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  environment_id: string | null;
  environment_name: string | null;
  subject_id: string;
  subject_kind: string;
  subject_name: string;
  severity: string | null;
  data: Record<string, unknown>;
}

export const NOTIFICATION_EVENT_COLUMNS = `ev.id AS event_id, ev.type, ev.occurred_at, ev.recorded_at, ev.environment_id,
  ev.environment_name, ev.subject_id, ev.subject_kind, ev.subject_name, ev.severity::text AS severity, ev.data`;

export function notificationEventFromRow(row: NotificationEventRow): NotificationEvent {
  return {
    id: row.event_id,
    type: row.type as NotificationEventType,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    environment: row.environment_id ? { id: row.environment_id, name: row.environment_name ?? "" } : null,
    subject: { id: row.subject_id, kind: row.subject_kind, name: row.subject_name },
    severity: row.severity ? fromDbEnum<FindingSeverity>(row.severity) : null,
    data: row.data,
  };
}
