import type { FindingSeverity } from "../health/rules/findingTypes.ts";

/** What a subscription can ask for. One list: the API schema, the matcher and the docs read it. */
export const NOTIFICATION_EVENT_TYPES = [
  "finding.opened",
  "finding.escalated",
  "finding.resolved",
  "operation.succeeded",
  "operation.failed",
  "operation.timed_out",
  "operation.rolled_back",
  "approval.requested",
  "sync.failed",
  "sweep.failed",
] as const;

export type SubscribableEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];
/** `webhook.test` is sent to one subscription on request, never fanned out. */
export type NotificationEventType = SubscribableEventType | "webhook.test";

/** The thing an event is about; deliveries to one subscription keep the order of events per `id`. */
export interface EventSubject {
  id: string;
  kind: string;
  name: string;
}

/** What a store writes to the outbox, in the transaction of the change that caused it. */
export interface NotificationEventInput {
  type: NotificationEventType;
  occurredAt: Date;
  /** Left out for a resource's event (the resource's environment); null for the whole control plane (a failed sweep). */
  environmentId?: string | null;
  /** A resource's kind and name are read from the inventory when left out. */
  subject: Pick<EventSubject, "id"> & Partial<EventSubject>;
  /** A finding's severity, for subscriptions' `minSeverity`. */
  severity: FindingSeverity | null;
  data: Record<string, unknown>;
}

/** An event as the outbox keeps it. */
export interface NotificationEvent extends Omit<NotificationEventInput, "environmentId" | "subject"> {
  subject: EventSubject;
  id: string;
  environment: { id: string; name: string } | null;
  /** When the outbox row was written (the database's clock): subscriptions get events written after they were created. */
  recordedAt: Date;
}

/** The JSON body a webhook receives; `id` is the same on every attempt, for de-duplication. */
export interface WebhookBody {
  id: string;
  type: NotificationEventType;
  occurredAt: string;
  environment: { id: string; name: string } | null;
  resource: EventSubject;
  data: Record<string, unknown>;
}

export function webhookBody(event: NotificationEvent): WebhookBody {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    environment: event.environment,
    resource: event.subject,
    data: event.data,
  };
}

/** The event an operation's end raises: a rollback and a deadline are outcomes of their own. */
export function operationOutcomeEvent(
  status: "succeeded" | "failed",
  errorCode: string | null,
): "operation.succeeded" | "operation.failed" | "operation.timed_out" | "operation.rolled_back" {
  if (status === "succeeded") return "operation.succeeded";
  if (errorCode === "timed_out") return "operation.timed_out";
  if (errorCode === "rolled_back") return "operation.rolled_back";
  return "operation.failed";
}
