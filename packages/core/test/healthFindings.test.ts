import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type EvidencePoint,
  type Finding,
  MAX_EVIDENCE_POINTS,
  mergeEvidence,
  type RuleEvaluation,
  reconcileFindings,
} from "../src/health/rules/findingTypes.ts";

const T0 = new Date("2026-11-25T16:00:00Z");
const NOW = new Date("2026-11-25T17:00:00Z");
const minute = (m: number) => new Date(T0.getTime() + m * 60_000);
const point = (m: number, value: number): EvidencePoint => ({
  metric: "mem_used_percent",
  unit: "Percent",
  timestamp: minute(m),
  value,
});

function openFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: "f-1",
    ruleId: "memory_pressure",
    resourceId: "res-web-asg",
    severity: "warning",
    status: "open",
    evidence: [point(0, 86), point(5, 87), point(10, 88)],
    summary: "web-asg: memory at or above 85%",
    openedAt: minute(10),
    lastSeenAt: minute(30),
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

const firing = (severity: "warning" | "critical", evidence: EvidencePoint[] = [], resourceId = "res-web-asg") =>
  ({ verdict: "firing", ruleId: "memory_pressure", resourceId, severity, evidence, summary: "pressure" }) as const;
const clear = (resourceId = "res-web-asg"): RuleEvaluation => ({
  verdict: "clear",
  ruleId: "memory_pressure",
  resourceId,
  evidence: [],
  summary: "memory under 75% for 3 periods",
});

describe("reconcileFindings", () => {
  it("opens a finding for a firing rule with none open", () => {
    const changes = reconcileFindings([], [firing("warning", [point(0, 90)])], NOW);
    assert.equal(changes.toOpen.length, 1);
    assert.deepEqual(changes.toOpen[0], {
      ruleId: "memory_pressure",
      resourceId: "res-web-asg",
      severity: "warning",
      status: "open",
      evidence: [point(0, 90)],
      summary: "pressure",
      openedAt: NOW,
      lastSeenAt: NOW,
      resolvedAt: null,
      resolution: null,
    });
    assert.deepEqual([changes.toUpdate, changes.toResolve], [[], []]);
  });

  it("updates the open finding instead of opening a second: lastSeen, escalated severity, merged evidence", () => {
    const existing = openFinding();
    const changes = reconcileFindings([existing], [firing("critical", [point(10, 88), point(15, 96)])], NOW);
    assert.deepEqual(changes.toOpen, [], "one open finding per (resource, rule)");
    const [updated] = changes.toUpdate;
    assert.equal(updated?.id, "f-1");
    assert.equal(updated?.severity, "critical");
    assert.deepEqual(updated?.lastSeenAt, NOW);
    assert.deepEqual(updated?.openedAt, minute(10), "openedAt stays");
    assert.deepEqual(
      updated?.evidence.map((p) => p.value),
      [86, 87, 88, 96],
      "the point seen twice is kept once",
    );
  });

  it("resolves an open finding on a clear verdict, with when and why", () => {
    const changes = reconcileFindings([openFinding()], [clear()], NOW);
    assert.equal(changes.toResolve.length, 1);
    assert.equal(changes.toResolve[0]?.status, "resolved");
    assert.deepEqual(changes.toResolve[0]?.resolvedAt, NOW);
    assert.equal(changes.toResolve[0]?.resolution, "memory under 75% for 3 periods");
  });

  it("changes nothing for clear with nothing open, unknown, or an open finding no rule evaluated", () => {
    const unknown: RuleEvaluation = { ...clear(), verdict: "unknown", summary: "no data" };
    assert.deepEqual(reconcileFindings([], [clear()], NOW), { toOpen: [], toUpdate: [], toResolve: [] });
    assert.deepEqual(reconcileFindings([openFinding()], [unknown], NOW), { toOpen: [], toUpdate: [], toResolve: [] });
    assert.deepEqual(reconcileFindings([openFinding()], [], NOW), { toOpen: [], toUpdate: [], toResolve: [] });
  });

  it("keeps the oldest of duplicate open findings and resolves the others", () => {
    const older = openFinding({ id: "f-old", openedAt: minute(0) });
    const newer = openFinding({ id: "f-new", openedAt: minute(20) });
    const changes = reconcileFindings([newer, older], [firing("warning")], NOW);
    assert.deepEqual(
      changes.toUpdate.map((f) => f.id),
      ["f-old"],
    );
    assert.deepEqual(
      changes.toResolve.map((f) => [f.id, f.resolution]),
      [["f-new", "duplicate of f-old"]],
    );
  });

  it("keys by resource and rule: the same rule on two resources makes two findings", () => {
    const changes = reconcileFindings(
      [openFinding()],
      [firing("warning", [], "res-web-asg"), firing("critical", [], "res-other-asg")],
      NOW,
    );
    assert.deepEqual(
      changes.toUpdate.map((f) => f.resourceId),
      ["res-web-asg"],
    );
    assert.deepEqual(
      changes.toOpen.map((f) => [f.resourceId, f.severity]),
      [["res-other-asg", "critical"]],
    );
  });

  it("refuses two evaluations for one key and a resolved finding passed as open", () => {
    assert.throws(() => reconcileFindings([], [firing("warning"), clear()], NOW), /evaluated twice/);
    assert.throws(() => reconcileFindings([openFinding({ status: "resolved" })], [], NOW), /is resolved, not open/);
  });
});

describe("mergeEvidence", () => {
  it("keeps the newest MAX_EVIDENCE_POINTS points in time order", () => {
    const many = Array.from({ length: 40 }, (_, i) => point(39 - i, i));
    const merged = mergeEvidence([], many);
    assert.equal(merged.length, MAX_EVIDENCE_POINTS);
    assert.deepEqual(merged[0]?.timestamp, minute(40 - MAX_EVIDENCE_POINTS));
    assert.deepEqual(merged.at(-1)?.timestamp, minute(39));
  });
});
