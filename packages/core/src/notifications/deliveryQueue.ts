import type { NotificationEvent } from "./notificationEvents.ts";
import type { WebhookFormat } from "./webhookSubscriptions.ts";

/** A delivery a worker has leased: the event, and where and how to send it. */
export interface ClaimedDelivery {
  deliveryId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  firstAttemptAt: Date;
  event: NotificationEvent;
  subscription: { id: string; url: string; format: WebhookFormat; secret: string };
}

export interface AttemptRecord {
  at: Date;
  outcome: "delivered" | "retry" | "given_up";
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** When to try again, for `retry`. */
  nextAttemptAt: Date | null;
}

/** The outbox and its deliveries, as the worker sees them. */
export interface DeliveryQueue {
  /** Turns outbox events into one delivery per matching subscription, in event order; returns how many events it handled. */
  fanOut(limit: number, now: Date): Promise<number>;
  /**
   * Leases due deliveries (`FOR UPDATE SKIP LOCKED`), at most one per subscription and resource:
   * a later event waits until the earlier one is delivered or given up.
   */
  claimDue(workerId: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]>;
  /** Saves an attempt, and the subscription's health, if `workerId` still holds the lease; false when it lost it. */
  recordAttempt(deliveryId: string, workerId: string, record: AttemptRecord): Promise<boolean>;
  /** Deletes events fanned out before `before` and their deliveries, unless one is still pending; returns how many events. */
  prune(before: Date): Promise<number>;
}

/** How long events and the delivery log are kept. */
export const NOTIFICATION_RETENTION_DAYS = 30;

/** One POST to a receiver. */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** What came back; `statusCode` is null when no response arrived (refused, timed out, connection failed). */
export interface WebhookResponse {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** Posts a webhook; never throws, never follows a redirect. */
export interface WebhookSender {
  post(request: WebhookRequest): Promise<WebhookResponse>;
}
