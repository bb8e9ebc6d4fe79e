import type { AuditContext } from "../audit/types.ts";
import type { FindingSeverity } from "../health/rules/findingTypes.ts";
import { FINDING_SEVERITIES } from "../health/rules/findingTypes.ts";
import type { CursorPosition, Page } from "../pagination/cursor.ts";
import type { NotificationEvent, SubscribableEventType } from "./notificationEvents.ts";

export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A subscription is `failing` after this many failed attempts in a row, and healthy again on a success. */
export const FAILING_AFTER_CONSECUTIVE_FAILURES = 5;

export interface WebhookSubscription {
  id: string;
  url: string;
  events: SubscribableEventType[];
  /** Finding events below this severity are not sent. */
  minSeverity: FindingSeverity;
  /** Only events of this environment; null for all. */
  environmentId: string | null;
  format: WebhookFormat;
  enabled: boolean;
  health: "healthy" | "failing";
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What a subscription is made from: the fields an admin chooses, the rest the store keeps. */
export type NewWebhookSubscription = Pick<
  WebhookSubscription,
  "url" | "events" | "minSeverity" | "environmentId" | "format" | "enabled"
>;

export type WebhookSubscriptionChanges = Partial<NewWebhookSubscription>;

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event for one subscription, with its last attempt. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface WebhookSubscriptionStore {
  /** `secret` is stored to sign with; no read returns it. */
  create(input: NewWebhookSubscription, secret: string, audit: AuditContext): Promise<WebhookSubscription>;
  get(id: string): Promise<WebhookSubscription | null>;
  list(page: { limit: number; after?: CursorPosition }): Promise<Page<WebhookSubscription>>;
  update(id: string, changes: WebhookSubscriptionChanges, audit: AuditContext): Promise<WebhookSubscription>;
  delete(id: string, audit: AuditContext): Promise<void>;
  rotateSecret(id: string, secret: string, audit: AuditContext): Promise<WebhookSubscription>;
  deliveries(id: string, page: { limit: number; after?: CursorPosition }): Promise<Page<WebhookDelivery>>;
  /** Queues the delivery again, due now (same event id: receivers de-duplicate). */
  redeliver(id: string, deliveryId: string, now: Date, audit: AuditContext): Promise<WebhookDelivery>;
  /** Writes a `webhook.test` event and its delivery to this subscription only. */
  sendTest(id: string, now: Date, audit: AuditContext): Promise<WebhookDelivery>;
}

const severityRank = (severity: FindingSeverity) => FINDING_SEVERITIES.indexOf(severity);

/**
 * Whether a subscription gets an event: enabled, the type asked for, the environment if it names
 * one, at or above its minimum severity for finding events, and written after it was created.
 */
export function subscriptionWants(
  subscription: Pick<WebhookSubscription, "enabled" | "events" | "environmentId" | "minSeverity" | "createdAt">,
  event: Pick<NotificationEvent, "type" | "environment" | "severity" | "recordedAt">,
): boolean {
  if (!subscription.enabled || event.type === "webhook.test") return false;
  if (!subscription.events.includes(event.type)) return false;
  if (subscription.environmentId !== null && subscription.environmentId !== event.environment?.id) return false;
  if (event.severity !== null && severityRank(event.severity) < severityRank(subscription.minSeverity)) return false;
  return event.recordedAt >= subscription.createdAt;
}
