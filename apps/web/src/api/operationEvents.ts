import type { components, FastierClient } from "@fastier/client";
import { ApiProblem } from "./problem.ts";
import { createSseParser } from "./sseFrames.ts";

export type OperationEvent = components["schemas"]["OperationEvent"];

export interface EventStreamHandlers {
  onEvent: (event: OperationEvent) => void;
  /** The operation has ended (the stream says so, then closes). */
  onEnd: (status: string) => void;
}

/**
 * Follows `GET /v1/operations/{id}/events` through the generated client, so the
 * key travels in the Authorization header (EventSource could only put it in the
 * URL). Resolves when the stream closes: the operation ended, the server shut
 * down, or `signal` aborted.
 */
export async function followOperationEvents(
  api: FastierClient,
  operationId: string,
  afterEventId: string | null,
  handlers: EventStreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  const { data, error, response } = await api.GET("/v1/operations/{id}/events", {
    params: { path: { id: operationId } },
    headers: afterEventId ? { "last-event-id": afterEventId } : {},
    parseAs: "stream",
    signal,
  });
  if (error !== undefined || !data) throw new ApiProblem(response.status, (error ?? null) as ApiProblem["problem"]);
  const parser = createSseParser((frame) => {
    if (frame.event === "end") handlers.onEnd((JSON.parse(frame.data) as { status: string }).status);
    else if (frame.event !== "shutdown" && frame.event !== "unavailable") handlers.onEvent(JSON.parse(frame.data));
  });
  const reader = data.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}
