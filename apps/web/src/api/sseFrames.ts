/** One Server-Sent Event as the operation event stream writes it. */
export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Splits a Server-Sent Events byte stream into frames, across chunk boundaries.
 * `EventSource` cannot send an `Authorization` header, so the dashboard reads
 * the stream with `fetch` and parses it here. Comments (`: still running`) and
 * `retry:` lines carry nothing to show and are dropped.
 */
export function createSseParser(onFrame: (frame: SseFrame) => void) {
  let buffer = "";
  return {
    push(text: string) {
      buffer += text.replace(/\r\n?/g, "\n");
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame = parseBlock(block);
        if (frame) onFrame(frame);
        end = buffer.indexOf("\n\n");
      }
    },
  };
}

function parseBlock(block: string): SseFrame | null {
  let id: string | null = null;
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = value;
    else if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length === 0 ? null : { id, event, data: data.join("\n") };
}
