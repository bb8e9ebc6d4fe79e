// The dashboard reads an operation's Server-Sent Events with fetch (so the key stays in a header) and parses
// them itself: here the parser reads the real stream of a finished operation, split anywhere.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSseParser, type SseFrame } from "../apps/web/src/api/sseFrames.ts";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { type SyncedApp, syncedApp } from "./helpers/syncedApp.ts";

function parseAll(chunks: string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createSseParser((frame) => frames.push(frame));
  for (const chunk of chunks) parser.push(chunk);
  return frames;
}

describe("the dashboard's event-stream parser", () => {
  let app: SyncedApp;
  let stream: string;
  let events: { id: string; type: string }[];

  before(async () => {
    app = await syncedApp();
    const { t, groupId } = app;
    const requested = await t.app.inject({
      method: "POST",
      url: `/v1/resources/${groupId}/scale`,
      headers: t.auth("operator"),
      payload: { desiredCapacity: 3 },
    });
    assert.equal(requested.statusCode, 202, requested.body);
    const operationId = requested.json().id as string;
    await reconcileToEnd(t, operationId);
    // The operation has ended, so the stream sends the whole history, then `end`, and closes.
    const answer = await t.app.inject({
      method: "GET",
      url: `/v1/operations/${operationId}/events`,
      headers: t.auth("viewer"),
    });
    assert.equal(answer.statusCode, 200);
    stream = answer.body;
    events = (
      await t.app.inject({ method: "GET", url: `/v1/operations/${operationId}`, headers: t.auth("viewer") })
    ).json().events;
  });
  after(() => app.t.close());

  it("reads every event of the history in order, then the end with the final status", () => {
    const frames = parseAll([stream]);
    assert.deepEqual(
      frames.map((frame) => [frame.id, frame.event]),
      [...events.map((event) => [event.id, event.type]), [null, "end"]],
    );
    assert.deepEqual(JSON.parse(frames.at(-1)?.data ?? "{}"), { status: "succeeded" });
    assert.equal(JSON.parse(frames[0]?.data ?? "{}").type, "created");
  });

  it("gives the same frames however the bytes arrive: one at a time, or in uneven chunks", () => {
    const whole = parseAll([stream]);
    assert.deepEqual(parseAll([...stream]), whole);
    const chunks: string[] = [];
    for (let at = 0, size = 1; at < stream.length; at += size, size = (size * 7) % 97 || 3) {
      chunks.push(stream.slice(at, at + size));
    }
    assert.deepEqual(parseAll(chunks), whole);
  });

  it("skips comments (heartbeats) and retry lines, joins multi-line data, and accepts CRLF", () => {
    const frames = parseAll([
      ': still running\r\n\r\nretry: 2000\r\nevent: shutdown\r\ndata: {"a":\r\ndata: 1}\r\n\r\n',
      "id: 7\nevent: progress\ndata: x\n\n",
    ]);
    assert.deepEqual(frames, [
      { id: null, event: "shutdown", data: '{"a":\n1}' },
      { id: "7", event: "progress", data: "x" },
    ]);
  });
});
