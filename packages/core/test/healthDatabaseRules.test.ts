import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MIN_BACKUP_RETENTION_DAYS } from "../src/dr/drReadiness.ts";
import { evaluateDrGaps, evaluateFreeableMemory, evaluateReplicaLag } from "../src/health/rules/databaseRules.ts";
import { type RuleEvaluation, transitionOf } from "../src/health/rules/findingTypes.ts";
import type { DatabaseSpec, Resource } from "../src/inventory/types.ts";

const NOW = new Date("2026-11-25T12:00:00Z");
const GIB = 1024 ** 3;
const everyMinutes = (minutes: number) => (values: number[]) =>
  values.map((value, i) => ({ timestamp: new Date(NOW.getTime() + i * minutes * 60_000), value }));
const fiveMinutes = everyMinutes(5);
const oneMinute = everyMinutes(1);
const severityOf = (evaluation: RuleEvaluation | undefined) =>
  evaluation?.verdict === "firing" ? evaluation.severity : evaluation?.verdict;

describe("RDS freeable memory", () => {
  const db = { id: "res-db", name: "fastier-db", instanceType: "db.t3.medium" };
  const freeable = (gib: number[], open: { severity: "warning" | "critical" } | null = null, instanceType?: string) =>
    evaluateFreeableMemory({
      resource: { ...db, instanceType: instanceType ?? db.instanceType },
      points: fiveMinutes(gib.map((g) => g * GIB)),
      open,
    });

  it("warns under 10% of the class's memory (0.4 of 4 GiB) for 3 periods, not at exactly 10%", () => {
    assert.equal(freeable([0.4, 0.4, 0.4]).verdict, "clear");
    assert.equal(severityOf(freeable([0.39, 0.39, 0.39])), "warning");
    assert.equal(freeable([0.39, 0.39]).verdict, "clear", "2 periods are not sustained");
  });

  it("is critical under 5% in a single period, with the bytes as evidence", () => {
    const evaluation = freeable([1, 0.19, 1]);
    assert.equal(severityOf(evaluation), "critical");
    assert.deepEqual(
      evaluation.evidence.map((p) => [p.metric, p.unit, p.value]),
      [["FreeableMemory", "Bytes", 0.19 * GIB]],
    );
    assert.match(evaluation.summary, /fell to 0\.2 GiB \(4\.8%\) of 4 GiB/);
  });

  it("resolves only after 3 periods at 15% or more", () => {
    assert.equal(transitionOf(true, freeable([0.6, 0.6], { severity: "warning" })), "stay");
    assert.equal(
      transitionOf(true, freeable([0.5, 0.5, 0.5], { severity: "warning" })),
      "stay",
      "12.5% is in the band",
    );
    assert.equal(transitionOf(true, freeable([0.6, 0.6, 0.6], { severity: "warning" })), "resolve");
  });

  it("needs the class's memory: unknown for a class not in the table unless given", () => {
    assert.equal(freeable([0.1, 0.1, 0.1], null, "db.x2g.large").verdict, "unknown");
    const given = evaluateFreeableMemory({
      resource: { ...db, instanceType: "db.x2g.large" },
      points: fiveMinutes([2.5, 2.5, 2.5].map((g) => g * GIB)),
      open: null,
      classMemoryGiB: 32,
    });
    assert.equal(severityOf(given), "warning", "2.5 of 32 GiB is 7.8%: under 10%, over 5%");
  });
});

describe("RDS replica lag", () => {
  const replica = { id: "res-replica", name: "fastier-db-replica" };
  const lag = (seconds: number[], open: { severity: "warning" | "critical" } | null = null) =>
    evaluateReplicaLag({ resource: replica, points: oneMinute(seconds), open });

  it("warns over 60 s sustained for 3 one-minute periods; 60 s itself and 2 periods do not", () => {
    assert.equal(lag([60, 60, 60]).verdict, "clear");
    assert.equal(lag([61, 61]).verdict, "clear");
    assert.equal(severityOf(lag([61, 75, 90])), "warning");
  });

  it("is critical over 300 s in any period: the replica is then a worse recovery point than a restore", () => {
    assert.equal(severityOf(lag([2, 301, 2])), "critical");
    assert.equal(lag([2, 300, 2]).verdict, "clear");
  });

  it("resolves after 3 periods at 30 s or less; 31 s breaks the run", () => {
    assert.equal(transitionOf(true, lag([31, 30, 30], { severity: "warning" })), "stay");
    assert.equal(transitionOf(true, lag([45, 30, 10, 1], { severity: "warning" })), "resolve");
  });

  it("ignores negative values (no replication status), which alone make the verdict unknown", () => {
    assert.equal(lag([-1, -1, -1], { severity: "warning" }).verdict, "unknown");
    assert.equal(severityOf(lag([61, 61, 61, -1])), "warning");
    assert.equal(lag([61, -1, 61, 61]).verdict, "clear", "the dropped minute is a gap: the run starts again");
  });
});

describe("DR gaps as findings", () => {
  function db(cloudId: string, database: Partial<DatabaseSpec>): Resource {
    return {
      id: `res-${cloudId}`,
      environmentId: "env-1",
      kind: "db_instance",
      name: cloudId,
      cloudId,
      status: "active",
      region: "us-east-1",
      availabilityZones: [],
      tags: {},
      attributes: {},
      instanceType: "db.t3.medium",
      capacity: null,
      parentId: null,
      pipeline: null,
      database: {
        role: "primary",
        engine: "postgres",
        engineVersion: "16.4",
        sourceDbIdentifier: null,
        multiAz: true,
        backupRetentionDays: 7,
        earliestRestorableTime: new Date(NOW.getTime() - 7 * 86_400_000),
        latestRestorableTime: new Date(NOW.getTime() - 300_000),
        ...database,
      },
      goneAt: null,
      lastSyncedAt: NOW,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    };
  }
  const replicaOf = (source: string) =>
    db(`${source}-replica`, { role: "replica", sourceDbIdentifier: source, multiAz: false, backupRetentionDays: 0 });
  const byRule = (evaluations: RuleEvaluation[]) =>
    Object.fromEntries(evaluations.map((e) => [e.ruleId, severityOf(e)]));

  it("fires all three on Fastier's starting point: Single-AZ, 1-day backups, no replica", () => {
    const evaluations = evaluateDrGaps({
      databases: [db("fastier-db", { multiAz: false, backupRetentionDays: 1 })],
      now: NOW,
    });
    assert.deepEqual(byRule(evaluations), {
      db_no_multi_az: "warning",
      db_backup_retention_short: "warning",
      db_no_read_replica: "warning",
    });
    const retention = evaluations.find((e) => e.ruleId === "db_backup_retention_short");
    assert.deepEqual(
      retention?.evidence.map((p) => [p.metric, p.value]),
      [["BackupRetentionPeriod", 1]],
    );
    assert.match(retention?.summary ?? "", /keeps backups for 1 days, under 7/);
  });

  it("uses DR readiness's 7-day minimum: 6 days fires, 7 clears; backups off is critical", () => {
    const retentionVerdict = (days: number) =>
      severityOf(
        evaluateDrGaps({ databases: [db("fastier-db", { backupRetentionDays: days })], now: NOW }).find(
          (e) => e.ruleId === "db_backup_retention_short",
        ),
      );
    assert.equal(MIN_BACKUP_RETENTION_DAYS, 7);
    assert.equal(retentionVerdict(6), "warning");
    assert.equal(retentionVerdict(7), "clear");
    assert.equal(retentionVerdict(0), "critical");
  });

  it("clears all three for the intended setup and does not judge the replica itself", () => {
    const evaluations = evaluateDrGaps({ databases: [db("fastier-db", {}), replicaOf("fastier-db")], now: NOW });
    assert.deepEqual(byRule(evaluations), {
      db_no_multi_az: "clear",
      db_backup_retention_short: "clear",
      db_no_read_replica: "clear",
    });
    assert.ok(evaluations.every((e) => e.resourceId === "res-fastier-db"));
  });
});
