import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assessDrReadiness, type DrReadinessInput } from "../src/dr/drReadiness.ts";
import type { DatabaseSpec, Resource } from "../src/index.ts";

const NOW = new Date("2026-11-25T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function dbResource(cloudId: string, database: Partial<DatabaseSpec> | null, extra: Partial<Resource> = {}): Resource {
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
    database: database && {
      role: "primary",
      engine: "postgres",
      engineVersion: "16.4",
      sourceDbIdentifier: null,
      multiAz: true,
      backupRetentionDays: 7,
      earliestRestorableTime: minutesAgo(7 * 24 * 60),
      latestRestorableTime: minutesAgo(5),
      ...database,
    },
    goneAt: null,
    lastSyncedAt: NOW,
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

const replicaOf = (source: string, cloudId = `${source}-replica`) =>
  dbResource(cloudId, {
    role: "replica",
    sourceDbIdentifier: source,
    multiAz: false,
    backupRetentionDays: 0,
    earliestRestorableTime: null,
    latestRestorableTime: null,
  });

const assess = (databases: Resource[], replicaLagSeconds: DrReadinessInput["replicaLagSeconds"] = {}) =>
  assessDrReadiness({ environmentName: "production", databases, replicaLagSeconds, now: NOW });
const gapCodes = (report: ReturnType<typeof assess>) => report.databases.flatMap((d) => d.gaps.map((g) => g.code));

describe("DR readiness", () => {
  it("finds Fastier's intended setup ready, with RPO from the latest restorable time and both RTOs", () => {
    const report = assess([dbResource("fastier-db", {}), replicaOf("fastier-db")], { "fastier-db-replica": 1.2 });
    assert.equal(report.status, "ready");
    assert.equal(report.databases.length, 1, "the replica is assessed with its source, not on its own");
    const [primary] = report.databases;
    assert.deepEqual(primary?.gaps, []);
    assert.equal(primary?.status, "ready");
    assert.equal(primary?.role, "primary");
    assert.deepEqual(primary?.replicas, [
      { identifier: "fastier-db-replica", resourceId: "res-fastier-db-replica", lagSeconds: 1.2 },
    ]);
    assert.equal(primary?.estimatedRpoSeconds, 300);
    assert.deepEqual(primary?.estimatedRto, {
      promoteReplicaSeconds: 300,
      restorePointInTime: { minSeconds: 1200, maxSeconds: 1800 },
    });
    assert.deepEqual(primary?.latestRestorableTime, minutesAgo(5));
  });

  it("flags a replica lagging over 60 s as a risk, and an unknown lag only as information", () => {
    const lagging = assess([dbResource("fastier-db", {}), replicaOf("fastier-db")], { "fastier-db-replica": 95 });
    assert.equal(lagging.status, "at_risk");
    assert.deepEqual(
      lagging.databases[0]?.gaps.map((g) => [g.code, g.severity]),
      [["replica_lag_high", "warning"]],
    );
    assert.match(lagging.databases[0]?.gaps[0]?.message ?? "", /lags 95 s behind fastier-db/);
    const unknown = assess([dbResource("fastier-db", {}), replicaOf("fastier-db")]);
    assert.equal(unknown.status, "ready");
    assert.deepEqual(gapCodes(unknown), ["replica_lag_unknown"]);
    assert.equal(unknown.databases[0]?.replicas[0]?.lagSeconds, null);
  });

  it("flags a Single-AZ instance with short retention and no replica as at risk, without a promote RTO", () => {
    const report = assess([dbResource("small-db", { role: "standalone", multiAz: false, backupRetentionDays: 3 })]);
    assert.equal(report.status, "at_risk");
    assert.deepEqual(gapCodes(report), ["no_multi_az", "backup_retention_short", "no_read_replica"]);
    assert.ok(report.databases[0]?.gaps.every((g) => g.severity === "warning"));
    assert.equal(report.databases[0]?.estimatedRto.promoteReplicaSeconds, null);
    assert.notEqual(report.databases[0]?.estimatedRto.restorePointInTime, null);
  });

  it("finds an instance with backups off not ready: no restorable time, no RPO, no restore RTO", () => {
    const report = assess([
      dbResource("no-backups", { backupRetentionDays: 0, earliestRestorableTime: null, latestRestorableTime: null }),
      replicaOf("no-backups"),
    ]);
    assert.equal(report.status, "not_ready");
    assert.deepEqual(gapCodes(report), ["no_restorable_time", "replica_lag_unknown"]);
    const [database] = report.databases;
    assert.equal(database?.gaps[0]?.severity, "critical");
    assert.match(database?.gaps[0]?.message ?? "", /automated backups turned off/);
    assert.equal(database?.estimatedRpoSeconds, null);
    assert.equal(database?.estimatedRto.restorePointInTime, null);
    assert.equal(database?.estimatedRto.promoteReplicaSeconds, 300);
  });

  it("counts backups without a restorable time yet as no restorable time", () => {
    const report = assess([dbResource("new-db", { latestRestorableTime: null, earliestRestorableTime: null })]);
    assert.deepEqual(gapCodes(report), ["no_restorable_time", "no_read_replica"]);
    assert.match(report.databases[0]?.gaps[0]?.message ?? "", /no restorable time yet/);
  });

  it("takes the worst database for the environment and ignores resources that are gone", () => {
    const report = assess([
      dbResource("fastier-db", {}),
      replicaOf("fastier-db"),
      dbResource("analytics-db", { role: "standalone", multiAz: false }),
      dbResource("old-db", { backupRetentionDays: 0, latestRestorableTime: null }, { status: "gone" }),
      { ...replicaOf("analytics-db"), status: "gone" },
    ]);
    // The gone old-db would make it not_ready; analytics-db's gaps make it at risk.
    assert.equal(report.status, "at_risk");
    const analytics = report.databases.find((d) => d.identifier === "analytics-db");
    assert.deepEqual(analytics?.replicas, [], "a gone replica cannot be promoted");
    assert.deepEqual(
      analytics?.gaps.map((g) => g.code),
      ["no_multi_az", "no_read_replica"],
    );
    assert.deepEqual(
      report.databases.map((d) => [d.identifier, d.status]),
      [
        ["analytics-db", "at_risk"],
        ["fastier-db", "ready"],
      ],
    );
  });

  it("says so when there is no database to assess, or one without database details", () => {
    const empty = assess([replicaOf("elsewhere")]);
    assert.equal(empty.status, "at_risk");
    assert.deepEqual(
      empty.gaps.map((g) => g.code),
      ["no_database"],
    );
    assert.deepEqual(empty.databases, []);
    const bare = assess([dbResource("bare-db", null)]);
    assert.deepEqual(gapCodes(bare), ["database_details_missing"]);
    assert.equal(bare.databases[0]?.multiAz, null);
    assert.equal(bare.databases[0]?.estimatedRpoSeconds, null);
  });
});
