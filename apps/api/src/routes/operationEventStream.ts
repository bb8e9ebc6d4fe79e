import { setTimeout as sleep } from "node:timers/promises";
import type { OperationStatus, OperationStore } from "@fastier/core";
import type { FastifyReply, FastifyRequest } from "fastify";

export interface EventStreamOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  operations: OperationStore;
  operationId: string;
  afterId: string | undefined;
  pollMs: number;
  isActive: (status: OperationStatus) => boolean;
  /** Aborted when the server shuts down: the stream then ends with a `shutdown` event. */
  closing: AbortSignal;
}

const HEARTBEAT_MS = 15_000;
/** How soon a client should reconnect after a `shutdown` event (another instance, or this one restarted). */
const RECONNECT_MS = 2_000;

/**
 * Writes the operation's history as Server-Sent Events, then polls for new
 * events until the operation has ended and every event is sent, then ends the
 * stream. Polling the history (not an in-process bus) means events written by
 * any worker process reach every API process.
 */
export async function streamOperationEvents(options: EventStreamOptions): Promise<void> {
  const { reply, request, operations, operationId, closing } = options;
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-request-id": request.id,
  });
  const gone = new AbortController();
  request.raw.on("close", () => gone.abort());
  const stop = AbortSignal.any([gone.signal, closing]);
  let lastId = options.afterId;
  let lastWrite = Date.now();
  let ended = false;
  try {
    while (!stop.aborted) {
      // Read the status before the events, so no event written before the end is missed.
      const operation = await operations.get(operationId);
      const events = await operations.events(operationId, lastId);
      for (const event of events) {
        out.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        lastId = event.id;
        lastWrite = Date.now();
      }
      if (!operation || !options.isActive(operation.status)) {
        out.write(`event: end\ndata: ${JSON.stringify({ status: operation?.status ?? "unknown" })}\n\n`);
        ended = true;
        break;
      }
      if (Date.now() - lastWrite > HEARTBEAT_MS) {
        out.write(": still running\n\n");
        lastWrite = Date.now();
      }
      await sleep(options.pollMs, undefined, { signal: stop }).catch(() => {});
    }
  } catch (error) {
    // The answer has started: no problem+json now. Say what happened and when to come back.
    request.log.warn({ err: error }, "operation event stream interrupted");
    const data = {
      reason: "the database is not answering; reconnect with Last-Event-ID to resume",
      lastEventId: lastId ?? null,
    };
    out.write(`retry: ${RECONNECT_MS}\nevent: unavailable\ndata: ${JSON.stringify(data)}\n\n`);
    ended = true;
  }
  if (!ended && closing.aborted && !gone.signal.aborted) {
    const data = {
      reason: "the server is shutting down; reconnect with Last-Event-ID to resume",
      lastEventId: lastId ?? null,
    };
    out.write(`retry: ${RECONNECT_MS}\nevent: shutdown\ndata: ${JSON.stringify(data)}\n\n`);
  }
  out.end();
}
