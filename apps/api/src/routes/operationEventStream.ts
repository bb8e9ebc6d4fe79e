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
}

const HEARTBEAT_MS = 15_000;

/**
 * Writes the operation's history as Server-Sent Events, then polls for new
 * events until the operation has ended and every event is sent, then ends the
 * stream. Polling the history (not an in-process bus) means events written by
 * any worker process reach every API process.
 */
export async function streamOperationEvents(options: EventStreamOptions): Promise<void> {
  const { reply, request, operations, operationId } = options;
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-request-id": request.id,
  });
  let closed = false;
  request.raw.on("close", () => {
    closed = true;
  });
  let lastId = options.afterId;
  let lastWrite = Date.now();
  while (!closed) {
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
      break;
    }
    if (Date.now() - lastWrite > HEARTBEAT_MS) {
      out.write(": still running\n\n");
      lastWrite = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  out.end();
}
