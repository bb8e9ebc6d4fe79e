import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type GateReadingValue, HEALTH_GATE_DEFAULTS, judgeReading } from "../src/index.ts";

const BASELINE: GateReadingValue = {
  at: "2026-11-25T12:00:00.000Z",
  windowMinutes: 15,
  requests: 30_000,
  errors5xx: 45,
  ratio5xx: 0.0015,
  latencyMs: 150,
  unhealthyTargets: 0,
  healthyTargets: 2,
  environmentHealth: "Green",
};
const reading = (minutesLater: number, changes: Partial<GateReadingValue>): GateReadingValue => ({
  ...BASELINE,
  windowMinutes: 3,
  at: new Date(Date.parse(BASELINE.at) + minutesLater * 60_000).toISOString(),
  ...changes,
});

describe("the health gate's judgement of one reading", () => {
  it("passes a reading like the baseline", () => {
    const judged = judgeReading(HEALTH_GATE_DEFAULTS, BASELINE, reading(1, {}), null, "deploy");
    assert.deepEqual(judged, { breach: null, unhealthySince: null });
  });

  it("breaches on the 5xx ratio first, with its numbers", () => {
    const judged = judgeReading(
      HEALTH_GATE_DEFAULTS,
      BASELINE,
      reading(1, { ratio5xx: 0.08, latencyMs: 900 }),
      null,
      "bake",
    );
    assert.equal(judged.breach?.signal, "error_rate");
    assert.equal(judged.breach?.observed, 0.08);
    assert.equal(judged.breach?.threshold, 0.05);
    assert.equal(judged.breach?.during, "bake");
  });

  it("breaches on latency above the baseline by more than the percentage, but not within the noise floor", () => {
    const slow = judgeReading(HEALTH_GATE_DEFAULTS, BASELINE, reading(1, { latencyMs: 301 }), null, "deploy");
    assert.equal(slow.breach?.signal, "latency");
    assert.equal(slow.breach?.threshold, 300);
    const tiny = { ...BASELINE, latencyMs: 20 };
    assert.equal(judgeReading(HEALTH_GATE_DEFAULTS, tiny, reading(1, { latencyMs: 60 }), null, "deploy").breach, null);
  });

  it("gives unhealthy targets their grace period, then breaches", () => {
    const first = judgeReading(HEALTH_GATE_DEFAULTS, BASELINE, reading(1, { unhealthyTargets: 1 }), null, "deploy");
    assert.equal(first.breach, null);
    assert.equal(first.unhealthySince, reading(1, {}).at);
    const within = judgeReading(
      HEALTH_GATE_DEFAULTS,
      BASELINE,
      reading(5, { unhealthyTargets: 1 }),
      first.unhealthySince,
      "deploy",
    );
    assert.equal(within.breach, null, "4 minutes is inside the 5-minute grace");
    const over = judgeReading(
      HEALTH_GATE_DEFAULTS,
      BASELINE,
      reading(6, { unhealthyTargets: 1 }),
      first.unhealthySince,
      "deploy",
    );
    assert.equal(over.breach?.signal, "unhealthy_targets");
    const recovered = judgeReading(HEALTH_GATE_DEFAULTS, BASELINE, reading(6, {}), first.unhealthySince, "deploy");
    assert.deepEqual(recovered, { breach: null, unhealthySince: null }, "recovery clears the mark");
  });

  it("breaches when Beanstalk turns Red, unless it was Red at the baseline", () => {
    const red = judgeReading(HEALTH_GATE_DEFAULTS, BASELINE, reading(1, { environmentHealth: "Red" }), null, "bake");
    assert.equal(red.breach?.signal, "environment_health");
    const wasRed = { ...BASELINE, environmentHealth: "Red" };
    assert.equal(
      judgeReading(HEALTH_GATE_DEFAULTS, wasRed, reading(1, { environmentHealth: "Red" }), null, "bake").breach,
      null,
    );
  });

  it("cannot judge the error rate without traffic", () => {
    assert.equal(
      judgeReading(HEALTH_GATE_DEFAULTS, BASELINE, reading(1, { requests: 0, ratio5xx: null }), null, "deploy").breach,
      null,
    );
  });
});
