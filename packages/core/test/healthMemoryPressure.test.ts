import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type RuleEvaluation, reconcileFindings, transitionOf } from "../src/health/rules/findingTypes.ts";
import { evaluateMemoryMetricsMissing, evaluateMemoryPressure } from "../src/health/rules/memoryPressureRule.ts";

const START = new Date("2026-11-25T16:00:00Z");
const PERIOD_MS = 5 * 60_000;
const at = (period: number) => new Date(START.getTime() + period * PERIOD_MS);
/** 5-minute points, one per value, starting at period `from`. */
const series = (values: number[], from = 0) => values.map((value, i) => ({ timestamp: at(from + i), value }));

const group = { id: "res-web-asg", name: "web-asg" };
const closed = (values: number[]) => evaluateMemoryPressure({ resource: group, points: series(values), open: null });
const openAs = (severity: "warning" | "critical", values: number[]) =>
  evaluateMemoryPressure({ resource: group, points: series(values), open: { severity } });
const severityOf = (evaluation: RuleEvaluation) => (evaluation.verdict === "firing" ? evaluation.severity : null);

describe("memory pressure: opening", () => {
  it("opens a warning at 85% for 3 periods, not at 84.9%", () => {
    assert.equal(closed([84.9, 84.9, 84.9]).verdict, "clear");
    const opened = closed([85, 85, 85]);
    assert.equal(transitionOf(false, opened), "open");
    assert.equal(severityOf(opened), "warning");
  });

  it("needs 3 consecutive periods: 2 are not enough, and a dip in between restarts the count", () => {
    assert.equal(closed([70, 90, 90]).verdict, "clear");
    assert.equal(closed([90, 90, 84, 90, 90]).verdict, "clear");
    assert.equal(closed([70, 90, 90, 90]).verdict, "firing");
  });

  it("opens critical on a single period at 95%, not at 94.9%", () => {
    assert.equal(closed([70, 94.9, 70]).verdict, "clear");
    const spike = closed([70, 95, 80]);
    assert.equal(severityOf(spike), "critical");
    assert.deepEqual(
      spike.evidence.map((p) => p.value),
      [95],
    );
  });

  it("keeps the datapoints that triggered it as evidence", () => {
    const opened = closed([60, 86, 88, 91]);
    assert.deepEqual(
      opened.evidence.map((p) => [p.metric, p.unit, p.value, p.timestamp.toISOString()]),
      [
        ["mem_used_percent", "Percent", 86, at(1).toISOString()],
        ["mem_used_percent", "Percent", 88, at(2).toISOString()],
        ["mem_used_percent", "Percent", 91, at(3).toISOString()],
      ],
    );
    assert.match(opened.summary, /web-asg: memory at or above 85% for 3 periods in a row \(15 min\); window peak 91%/);
  });

  it("does not count a run across a missing period", () => {
    const gappy = [...series([85, 85]), ...series([85], 3)];
    assert.equal(evaluateMemoryPressure({ resource: group, points: gappy, open: null }).verdict, "clear");
  });

  it("reads points in time order even when given out of order", () => {
    const points = series([70, 70, 90, 90, 90]).reverse();
    assert.equal(evaluateMemoryPressure({ resource: group, points, open: null }).verdict, "firing");
  });
});

describe("memory pressure: while open", () => {
  it("escalates a warning to critical on a period at 95%, adding that point to the evidence", () => {
    const escalated = openAs("warning", [88, 96, 88]);
    assert.equal(transitionOf(true, escalated), "stay");
    assert.equal(severityOf(escalated), "critical");
    assert.deepEqual(
      escalated.evidence.map((p) => p.value),
      [96],
    );
  });

  it("does not lower severity while open: critical stays critical at 86%", () => {
    assert.equal(severityOf(openAs("critical", [86, 86, 86])), "critical");
  });

  it("does not resolve on 2 periods under 75%, nor when the third is exactly 75%", () => {
    assert.equal(transitionOf(true, openAs("warning", [74, 74])), "stay");
    assert.equal(transitionOf(true, openAs("warning", [74, 74, 75])), "stay");
    assert.equal(transitionOf(true, openAs("warning", [74, 74, 80, 74, 74])), "stay");
  });

  it("resolves after 3 consecutive periods under 75%, naming them", () => {
    const cleared = openAs("critical", [80, 74.9, 72, 70]);
    assert.equal(transitionOf(true, cleared), "resolve");
    assert.deepEqual(
      cleared.evidence.map((p) => p.value),
      [74.9, 72, 70],
    );
    assert.match(cleared.summary, /under 75% for 3 periods in a row \(74\.9%, 72%, 70%\)/);
  });

  it("stays open between the thresholds (hysteresis): 80% neither opens nor resolves", () => {
    assert.equal(transitionOf(true, openAs("warning", [80, 80, 80, 80, 80, 80])), "stay");
    assert.equal(transitionOf(false, closed([80, 80, 80, 80, 80, 80])), "none");
  });

  it("leaves an open finding alone when there is no data, instead of resolving it", () => {
    const quiet = evaluateMemoryPressure({ resource: group, points: [], open: { severity: "warning" } });
    assert.equal(quiet.verdict, "unknown");
    assert.equal(transitionOf(true, quiet), "none");
  });
});

describe("memory pressure across sweeps", () => {
  /** Runs a sweep every period over the last 6 periods, carrying findings through reconcileFindings. */
  function sweepAll(values: number[]) {
    let open: ReturnType<typeof reconcileFindings>["toUpdate"] = [];
    const log: string[] = [];
    for (let end = 1; end <= values.length; end++) {
      const from = Math.max(0, end - 6);
      const evaluation = evaluateMemoryPressure({
        resource: group,
        points: series(values.slice(from, end), from),
        open: open[0] ?? null,
      });
      const changes = reconcileFindings(open, [evaluation], at(end));
      for (const created of changes.toOpen) log.push(`open ${created.severity} @${end}`);
      for (const resolved of changes.toResolve) log.push(`resolve ${resolved.id} @${end}`);
      open = [...changes.toUpdate, ...changes.toOpen.map((f, i) => ({ ...f, id: `f${end}-${i}` }))];
    }
    return { log, open };
  }

  it("does not flap on an 80/86 pattern, before or after opening", () => {
    const flutter = [80, 86, 80, 86, 80, 86, 80, 86, 80, 86];
    assert.deepEqual(sweepAll(flutter).log, [], "80/86 never has 3 periods in a row at 85%");
    const afterOpening = sweepAll([86, 86, 86, ...flutter]);
    assert.deepEqual(afterOpening.log, ["open warning @3"], "80/86 never has 3 periods in a row under 75%");
    assert.equal(afterOpening.open.length, 1);
  });

  it("opens once, escalates, and resolves once as overlapping windows slide", () => {
    const { log, open } = sweepAll([70, 70, 88, 89, 90, 91, 96, 90, 80, 72, 71, 70, 70, 70, 70]);
    assert.deepEqual(log, ["open warning @5", "resolve f5-0 @12"], "the finding opened at 5 is the one resolved");
    assert.equal(open.length, 0);
  });
});

describe("memory metrics missing", () => {
  const missing = (points: { timestamp: Date; value: number }[], complete: boolean, inServiceInstances = 2) =>
    evaluateMemoryMetricsMissing({ resource: group, series: { points, complete }, inServiceInstances });

  it("fires when a group with instances in service has no mem_used_percent at all", () => {
    const evaluation = missing([], true);
    assert.equal(severityOf(evaluation), "warning");
    assert.equal(evaluation.ruleId, "memory_metrics_missing");
    assert.match(evaluation.summary, /2 instance\(s\) in service but no CWAgent mem_used_percent datapoints/);
  });

  it("clears as soon as any datapoint arrives, or when no instance is in service", () => {
    assert.equal(missing(series([40]), true).verdict, "clear");
    assert.equal(missing([], true, 0).verdict, "clear");
  });

  it("says unknown when CloudWatch's answer was incomplete: an outage is not a missing agent", () => {
    assert.equal(missing([], false).verdict, "unknown");
  });
});

describe("memory thresholds", () => {
  it("accepts overrides and refuses a clear level at or above the warning level", () => {
    const strict = evaluateMemoryPressure({
      resource: group,
      points: series([81, 81]),
      open: null,
      thresholds: { warningPercent: 80, sustainedPeriods: 2 },
    });
    assert.equal(strict.verdict, "firing");
    assert.throws(
      () => evaluateMemoryPressure({ resource: group, points: [], open: null, thresholds: { clearPercent: 85 } }),
      RangeError,
    );
  });
});
