import { lookup } from "node:dns/promises";
import {
  checkWebhookTarget,
  NotFoundError,
  newSigningSecret,
  type ResolveHost,
  type WebhookSubscriptionStore,
} from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { IdParams, PaginationQuery } from "../schemas/common.ts";
import { problemResponses } from "../schemas/problem.ts";
import {
  DeliveryParams,
  NewWebhookSubscriptionBody,
  WebhookSubscriptionChangesBody,
  WebhookSubscriptionWithSecret,
} from "../schemas/webhook.ts";
import { auditContext } from "./auditContext.ts";
import { decodeKeysetCursor } from "./cursor.ts";

export interface WebhookRoutesOptions {
  webhooks: WebhookSubscriptionStore;
  /** Deliveries are due on the wall clock (the worker's), not the simulator's. */
  now?: () => Date;
  resolveHost?: ResolveHost;
}

const resolveWithDns: ResolveHost = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** A secret in an answer: never cached on the way. */
function noStore(reply: FastifyReply) {
  reply.header("cache-control", "no-store");
}

const ListQuery = Type.Object(PaginationQuery, { additionalProperties: false });
const admin = { minRole: "admin" as const };
const tags = ["webhooks"];

export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, options) => {
  const { webhooks } = options;
  const now = options.now ?? (() => new Date());
  const resolveHost = options.resolveHost ?? resolveWithDns;
  const found = async (id: string) => {
    const subscription = await webhooks.get(id);
    if (!subscription) throw new NotFoundError("webhook_subscription", id);
    return subscription;
  };

  app.get(
    "/v1/webhook-subscriptions",
    {
      config: admin,
      schema: {
        tags,
        operationId: "listWebhookSubscriptions",
        summary: "Webhook subscriptions, oldest first (their secrets are never shown again)",
        querystring: ListQuery,
        response: { 200: Type.Ref("WebhookSubscriptionPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "createdAt") : undefined;
      return webhooks.list({ limit, ...(after && { after }) });
    },
  );

  app.post(
    "/v1/webhook-subscriptions",
    {
      config: admin,
      schema: {
        tags,
        operationId: "createWebhookSubscription",
        summary: "Subscribe a URL to events; the answer is the only time the signing secret is shown",
        body: NewWebhookSubscriptionBody,
        response: { 201: WebhookSubscriptionWithSecret, ...problemResponses(400, 413, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      await checkWebhookTarget(body.url, resolveHost);
      const secret = newSigningSecret();
      const subscription = await webhooks.create(
        {
          url: body.url,
          events: body.events,
          minSeverity: body.minSeverity ?? "info",
          environmentId: body.environmentId ?? null,
          format: body.format ?? "json",
          enabled: body.enabled ?? true,
        },
        secret,
        auditContext(request),
      );
      noStore(reply);
      return reply.status(201).send({ secret, subscription });
    },
  );

  app.get(
    "/v1/webhook-subscriptions/:id",
    {
      config: admin,
      schema: {
        tags,
        operationId: "getWebhookSubscription",
        summary: "One webhook subscription, with its health",
        params: IdParams,
        response: { 200: Type.Ref("WebhookSubscription"), ...problemResponses(400, 404) },
      },
    },
    async (request) => found(request.params.id),
  );

  app.patch(
    "/v1/webhook-subscriptions/:id",
    {
      config: admin,
      schema: {
        tags,
        operationId: "updateWebhookSubscription",
        summary: "Change a subscription's URL, events, filters, format or enabled flag",
        params: IdParams,
        body: WebhookSubscriptionChangesBody,
        response: { 200: Type.Ref("WebhookSubscription"), ...problemResponses(400, 404, 413, 415) },
      },
    },
    async (request) => {
      await found(request.params.id);
      if (request.body.url !== undefined) await checkWebhookTarget(request.body.url, resolveHost);
      return webhooks.update(request.params.id, request.body, auditContext(request));
    },
  );

  app.delete(
    "/v1/webhook-subscriptions/:id",
    {
      config: admin,
      schema: {
        tags,
        operationId: "deleteWebhookSubscription",
        summary: "Delete a subscription and its delivery log; nothing more is sent to it",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.delete(request.params.id, auditContext(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/webhook-subscriptions/:id/rotate-secret",
    {
      config: admin,
      schema: {
        tags,
        operationId: "rotateWebhookSecret",
        summary: "A new signing secret, shown only in this answer; the old one stops signing at once",
        params: IdParams,
        response: { 200: WebhookSubscriptionWithSecret, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const secret = newSigningSecret();
      const subscription = await webhooks.rotateSecret(request.params.id, secret, auditContext(request));
      noStore(reply);
      return { secret, subscription };
    },
  );

  app.get(
    "/v1/webhook-subscriptions/:id/deliveries",
    {
      config: admin,
      schema: {
        tags,
        operationId: "listWebhookDeliveries",
        summary: "The subscription's deliveries, newest first: status, attempts, last status code, duration and error",
        params: IdParams,
        querystring: ListQuery,
        response: { 200: Type.Ref("WebhookDeliveryPage"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { limit = 50, cursor } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "-createdAt") : undefined;
      return webhooks.deliveries(request.params.id, { limit, ...(after && { after }) });
    },
  );

  app.post(
    "/v1/webhook-subscriptions/:id/test",
    {
      config: admin,
      schema: {
        tags,
        operationId: "testWebhookSubscription",
        summary: "Send a `webhook.test` event to this subscription (the worker delivers it like any other)",
        params: IdParams,
        response: { 202: Type.Ref("WebhookDelivery"), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const delivery = await webhooks.sendTest(request.params.id, now(), auditContext(request));
      return reply.status(202).send(delivery);
    },
  );

  app.post(
    "/v1/webhook-subscriptions/:id/deliveries/:deliveryId/redeliver",
    {
      config: admin,
      schema: {
        tags,
        operationId: "redeliverWebhook",
        summary: "Send a delivery again, now, with the same event id (receivers de-duplicate by it)",
        params: DeliveryParams,
        response: { 202: Type.Ref("WebhookDelivery"), ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      const delivery = await webhooks.redeliver(id, deliveryId, now(), auditContext(request));
      return reply.status(202).send(delivery);
    },
  );
};
