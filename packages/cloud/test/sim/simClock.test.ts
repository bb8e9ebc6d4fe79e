import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createManualClock, createScaledClock } from "../../src/sim/index.ts";

describe("simulator clocks", () => {
  it("runs a scaled clock `scale` times faster than real time from its creation", () => {
    let real = Date.parse("2026-11-24T10:00:00Z");
    const clock = createScaledClock({ scale: 60, realNow: () => real });
    assert.equal(clock.now().toISOString(), "2026-11-24T10:00:00.000Z");
    real += 1000;
    assert.equal(clock.now().toISOString(), "2026-11-24T10:01:00.000Z", "a second of real time is a simulated minute");
    real += 10_000;
    assert.equal(clock.now().toISOString(), "2026-11-24T10:11:00.000Z");
  });

  it("starts a scaled clock at a given origin, and agrees with another process given the same anchor", () => {
    let real = Date.parse("2026-11-24T10:00:00Z");
    const origin = new Date("2026-11-20T17:00:00Z");
    const startedAt = new Date(real);
    const api = createScaledClock({ scale: 10, origin, startedAt, realNow: () => real });
    real += 5000;
    const worker = createScaledClock({ scale: 10, origin, startedAt, realNow: () => real });
    assert.equal(api.now().toISOString(), "2026-11-20T17:00:50.000Z");
    assert.equal(worker.now().toISOString(), api.now().toISOString());
  });

  it("refuses a scale that is not a positive number", () => {
    assert.throws(() => createScaledClock({ scale: 0 }), RangeError);
    assert.throws(() => createScaledClock({ scale: Number.NaN }), RangeError);
  });

  it("moves a manual clock only when told", () => {
    const clock = createManualClock(new Date("2026-11-24T06:00:00Z"));
    assert.equal(clock.now().toISOString(), "2026-11-24T06:00:00.000Z");
    assert.equal(clock.advance(90_000).toISOString(), "2026-11-24T06:01:30.000Z");
    clock.set(new Date("2026-12-01T00:00:00Z"));
    assert.equal(clock.now().toISOString(), "2026-12-01T00:00:00.000Z");
    assert.throws(() => clock.advance(-1), RangeError);
    const handed = clock.now();
    handed.setFullYear(2000);
    assert.equal(clock.now().getUTCFullYear(), 2026, "callers get a copy, not the clock's own date");
  });
});
