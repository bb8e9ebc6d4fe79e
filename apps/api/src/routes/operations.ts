import { ACTIVE_STATUSES, NotFoundError, type OperationStore } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { OperationListQuery } from "../schemas/operation.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";
import { decodeKeysetCursor } from "./cursor.ts";
import { streamOperationEvents } from "./operationEventStream.ts";

export interface OperationRoutesOptions {
  operations: OperationStore;
  /** The control plane's clock: the simulated one under the simulator. */
  now: () => Date;
  /** How often the event stream looks for new events. */
  eventPollMs?: number;
}

export const operationRoutes: FastifyPluginAsyncTypebox<OperationRoutesOptions> = async (app, options) => {
  const { operations } = options;

  app.get(
    "/v1/operations",
    {
      schema: {
        tags: ["operations"],
        operationId: "listOperations",
        summary: "Operations, newest first",
        querystring: OperationListQuery,
        response: { 200: Type.Ref("OperationPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, from, to, ...filters } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "-createdAt") : undefined;
      return operations.list({
        ...filters,
        ...(from && { from: new Date(from) }),
        ...(to && { to: new Date(to) }),
        limit,
        ...(after && { after }),
      });
    },
  );

  app.get(
    "/v1/operations/:id",
    {
      schema: {
        tags: ["operations"],
        operationId: "getOperation",
        summary: "An operation with its full event history",
        params: IdParams,
        response: { 200: Type.Ref("OperationWithEvents"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const operation = await operations.get(request.params.id);
      if (!operation) throw new NotFoundError("operation", request.params.id);
      return { ...operation, events: await operations.events(operation.id) };
    },
  );

  app.post(
    "/v1/operations/:id/cancel",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["operations"],
        operationId: "cancelOperation",
        summary: "Cancel an operation where its current step allows",
        description:
          "A pending operation is cancelled at once. A running one is cancelled at its next step if nothing " +
          "irreversible has started (e.g. before a promotion is issued); otherwise it runs to its end and the " +
          "history says the cancel came too late.",
        params: IdParams,
        response: { 202: Type.Ref("Operation"), ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const operation = await operations.requestCancel(request.params.id, auditContext(request), options.now());
      return reply.status(202).send(operation);
    },
  );

  app.get(
    "/v1/operations/:id/events",
    {
      schema: {
        tags: ["operations"],
        operationId: "streamOperationEvents",
        summary: "Live progress as Server-Sent Events; the stream ends when the operation does",
        description:
          "Each event's `id` is its history id: reconnect with `Last-Event-ID` to resume. Every event is sent " +
          "once, in order; a final `end` event carries the operation's status. When the server shuts down, a " +
          "`shutdown` event ends the stream early: reconnect (to any instance) with `Last-Event-ID` to resume.",
        params: IdParams,
        headers: Type.Object({
          "last-event-id": Type.Optional(Type.String({ pattern: "^\\d{1,19}$", maxLength: 19 })),
        }),
        produces: ["text/event-stream"],
        response: {
          200: { description: "text/event-stream", content: { "text/event-stream": { schema: Type.String() } } },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const operation = await operations.get(request.params.id);
      if (!operation) throw new NotFoundError("operation", request.params.id);
      await streamOperationEvents({
        request,
        reply,
        operations,
        operationId: operation.id,
        afterId: request.headers["last-event-id"],
        pollMs: options.eventPollMs ?? 500,
        closing: app.closing,
        isActive: (status) => ACTIVE_STATUSES.includes(status),
      });
    },
  );
};
