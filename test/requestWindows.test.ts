import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requestWindows } from "../apps/api/src/plugins/requestWindows.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);

describe("request windows", () => {
  it("counts a key's requests in a window that starts with its first request, and refuses beyond the limit", () => {
    const windows = requestWindows(2, MINUTE, 10);
    assert.deepEqual(windows.count("a", T0), { limit: 2, remaining: 1, resetSeconds: 60, exceeded: false });
    assert.deepEqual(windows.count("a", T0 + 15_500), { limit: 2, remaining: 0, resetSeconds: 45, exceeded: false });
    assert.deepEqual(windows.count("a", T0 + 59_999), { limit: 2, remaining: 0, resetSeconds: 1, exceeded: true });
    assert.deepEqual(windows.count("b", T0 + 59_999).remaining, 1, "another key has its own window");
    assert.deepEqual(windows.count("a", T0 + MINUTE), { limit: 2, remaining: 1, resetSeconds: 60, exceeded: false });
  });

  it("peeks without counting", () => {
    const windows = requestWindows(1, MINUTE, 10);
    assert.equal(windows.peek("a", T0).remaining, 1);
    windows.count("a", T0);
    assert.deepEqual(windows.peek("a", T0 + 30_000), { limit: 1, remaining: 0, resetSeconds: 30, exceeded: false });
    assert.equal(windows.peek("a", T0 + 30_000).remaining, 0, "peeking twice counted nothing");
    assert.equal(windows.peek("a", T0 + MINUTE).remaining, 1, "the window ended");
  });

  it("forgets the least recently counted key beyond its capacity", () => {
    const windows = requestWindows(1, MINUTE, 2);
    windows.count("a", T0);
    windows.count("b", T0);
    windows.count("a", T0 + 1);
    windows.count("c", T0 + 2);
    assert.equal(windows.peek("b", T0 + 3).remaining, 1, "b was the least recently counted: forgotten");
    assert.equal(windows.peek("a", T0 + 3).remaining, 0, "a is remembered");
    assert.equal(windows.peek("c", T0 + 3).remaining, 0, "c is remembered");
  });
});
