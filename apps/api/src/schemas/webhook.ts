import { FINDING_SEVERITIES, NOTIFICATION_EVENT_TYPES, WEBHOOK_FORMATS } from "@fastier/core";
import { Type } from "typebox";
import { Timestamp, Uuid } from "./common.ts";

const NullableTime = Type.Union([Timestamp, Type.Null()]);
const EventType = Type.Union(
  NOTIFICATION_EVENT_TYPES.map((type) => Type.Literal(type)),
  { description: "An event a subscription can ask for" },
);
const severity = (description?: string) =>
  Type.Union(
    FINDING_SEVERITIES.map((value) => Type.Literal(value)),
    description ? { description } : {},
  );
const Format = Type.Union(
  WEBHOOK_FORMATS.map((format) => Type.Literal(format)),
  { description: "`json`: the signed event; `slack`: a Slack incoming-webhook message with a dashboard link" },
);

const subscriptionFields = {
  url: Type.String({
    minLength: 1,
    maxLength: 2048,
    description:
      "https, or http to loopback only; refused when it resolves to a link-local, metadata or (for an address or plain http) private address",
  }),
  events: Type.Array(EventType, { minItems: 1, maxItems: NOTIFICATION_EVENT_TYPES.length, uniqueItems: true }),
  minSeverity: Type.Optional(severity("Finding events below this severity are not sent (default info)")),
  environmentId: Type.Optional(
    Type.Union([Uuid, Type.Null()], { description: "Only this environment's events; null or absent for all" }),
  ),
  format: Type.Optional(Format),
  enabled: Type.Optional(Type.Boolean({ description: "Default true" })),
};

export const NewWebhookSubscriptionBody = Type.Object(subscriptionFields, { additionalProperties: false });

export const WebhookSubscriptionChangesBody = Type.Object(
  {
    url: Type.Optional(subscriptionFields.url),
    events: Type.Optional(subscriptionFields.events),
    minSeverity: subscriptionFields.minSeverity,
    environmentId: subscriptionFields.environmentId,
    format: subscriptionFields.format,
    enabled: subscriptionFields.enabled,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookSubscription = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    events: Type.Array(EventType),
    minSeverity: severity(),
    environmentId: Type.Union([Uuid, Type.Null()]),
    format: Format,
    enabled: Type.Boolean(),
    health: Type.Union([Type.Literal("healthy"), Type.Literal("failing")], {
      description: "failing after 5 failed attempts in a row; healthy again on the next success",
    }),
    consecutiveFailures: Type.Integer(),
    lastSuccessAt: NullableTime,
    lastFailureAt: NullableTime,
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: "WebhookSubscription" },
);

export const WebhookSubscriptionWithSecret = Type.Object({
  secret: Type.String({ description: "The signing secret; shown only in this response" }),
  subscription: Type.Ref("WebhookSubscription"),
});

export const WebhookDelivery = Type.Object(
  {
    id: Uuid,
    subscriptionId: Uuid,
    eventId: Type.String({ description: "The event's id: the `Fastier-Event-Id` header and the body's `id`" }),
    eventType: Type.String(),
    status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")], {
      description: "failed: given up after retrying for 26 hours",
    }),
    attempts: Type.Integer(),
    nextAttemptAt: NullableTime,
    lastAttemptAt: NullableTime,
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    deliveredAt: NullableTime,
    createdAt: Timestamp,
  },
  { $id: "WebhookDelivery" },
);

export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid }, { additionalProperties: false });
