import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  dailyLoadShape,
  LOAD_MODEL,
  memUsedPercent,
  replicaLagSeconds,
  trafficBurst,
  webWorkingSetGiB,
} from "../../src/sim/index.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const day0 = Date.parse("2026-11-01T00:00:00Z");
const at = (day: number, hours: number, minutes = 0) => day0 + day * DAY + hours * 60 * MINUTE + minutes * MINUTE;

/** Average of one-minute samples over a 5-minute period, as CloudWatch's Average over the agent's points. */
function fiveMinuteAverage(start: number, count: number, instanceIds?: string[]): number {
  const values: number[] = [];
  for (let minute = 0; minute < 5; minute += 1) {
    const time = start + minute * MINUTE;
    for (const id of instanceIds ?? [undefined]) values.push(memUsedPercent(time, count, "t3.medium", id));
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe("load model", () => {
  it("peaks in the late afternoon UTC and bottoms out at night", () => {
    assert.equal(dailyLoadShape(at(0, LOAD_MODEL.peakHourUtc)), 1);
    assert.ok(dailyLoadShape(at(0, 5)) < 0.001);
    assert.ok(dailyLoadShape(at(0, 12)) < dailyLoadShape(at(0, 15)));
    assert.ok(dailyLoadShape(at(0, 19)) > dailyLoadShape(at(0, 22)));
  });

  it("puts 2 × t3.medium over 85% for a sustained stretch at the peak on every day", () => {
    const ids = ["i-0fa57e100000001", "i-0fa57e200000002"];
    for (let day = 0; day < 30; day += 1) {
      let consecutive = 0;
      let longest = 0;
      for (let period = at(day, 15); period < at(day, 19); period += 5 * MINUTE) {
        consecutive = fiveMinuteAverage(period, 2, ids) >= 85 ? consecutive + 1 : 0;
        longest = Math.max(longest, consecutive);
      }
      assert.ok(longest >= 3, `day ${day}: only ${longest} consecutive 5-minute periods at or over 85%`);
      assert.ok(fiveMinuteAverage(at(day, 17), 2) >= 88, `day ${day} at 17:00`);
    }
  });

  it("keeps 2 × t3.medium around 55–70% off-peak, under 75% throughout the night and morning", () => {
    for (let day = 0; day < 30; day += 1) {
      const trough = fiveMinuteAverage(at(day, 5), 2);
      assert.ok(trough >= 55 && trough <= 70, `day ${day} 05:00: ${trough.toFixed(1)}%`);
      for (let hour = 0; hour <= 9; hour += 1) {
        const value = fiveMinuteAverage(at(day, hour), 2, ["i-a", "i-b"]);
        assert.ok(value < 75, `day ${day} ${hour}:00: ${value.toFixed(1)}%`);
      }
    }
  });

  it("keeps 4 × t3.medium under 65% at every minute of the busiest hours, bursts included", () => {
    const ids = ["i-a", "i-b", "i-c", "i-d"];
    let highest = 0;
    for (let day = 0; day < 30; day += 1) {
      for (let time = at(day, 14); time < at(day, 20); time += MINUTE) {
        for (const id of ids) highest = Math.max(highest, memUsedPercent(time, 4, "t3.medium", id));
      }
    }
    assert.ok(highest < 65, `highest ${highest.toFixed(1)}%`);
    assert.ok(highest > 55, "the peak still shows");
  });

  it("gives each added instance less memory to use, and a bigger instance type a lower percentage", () => {
    const peak = at(3, 17);
    const byCount = [1, 2, 3, 4, 5, 6].map((count) => memUsedPercent(peak, count, "t3.medium"));
    for (let i = 1; i < byCount.length; i += 1) assert.ok((byCount[i] ?? 0) < (byCount[i - 1] ?? 0));
    assert.ok(memUsedPercent(peak, 2, "r6i.large") < memUsedPercent(peak, 2, "t3.large"));
    assert.ok(memUsedPercent(peak, 2, "t3.large") < memUsedPercent(peak, 2, "t3.medium"));
    assert.ok(memUsedPercent(peak, 1, "t3.medium") <= 99.5, "an instance cannot use more than it has");
  });

  it("has occasional, bounded, reproducible traffic peaks", () => {
    let burstMinutes = 0;
    for (let time = at(0, 0); time < at(30, 0); time += MINUTE) {
      const burst = trafficBurst(time);
      assert.ok(burst >= 0 && burst <= 1);
      if (burst > 0) burstMinutes += 1;
      assert.equal(trafficBurst(time), burst, "the same time gives the same answer");
    }
    assert.ok(burstMinutes > 30 * 20 && burstMinutes < 30 * 240, `${burstMinutes} burst minutes in 30 days`);
    const quiet = at(0, 5);
    assert.ok(webWorkingSetGiB(quiet) <= LOAD_MODEL.baseWorkingSetGiB + LOAD_MODEL.burstGiB.max + 0.01);
  });

  it("keeps replica lag small", () => {
    for (let time = at(0, 0); time < at(3, 0); time += 7 * MINUTE) {
      const lag = replicaLagSeconds(time, "fastier-db-replica");
      assert.ok(lag >= 0 && lag < 5, `${lag} s`);
    }
  });
});
