import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PRIMARY_DB, REPLICA_DB } from "@fastier/core";
import { restoreDurationMs } from "../../src/sim/simDatabases.ts";
import { DAY, MINUTE, openSimWorld, rejectsWith, START } from "./simTestWorld.ts";

describe("simulated RDS", () => {
  it("describes the Multi-AZ primary and its replica, with the primary's restorable window", async () => {
    const { cloud } = await openSimWorld();
    const [primary, replica] = await cloud.databases.describeInstances();
    assert.equal(primary?.identifier, PRIMARY_DB);
    assert.equal(replica?.identifier, REPLICA_DB);
    assert.equal(primary?.multiAz, true);
    assert.equal(primary?.instanceClass, "db.t3.medium");
    assert.equal(primary?.engine, "postgres");
    assert.equal(primary?.backupRetentionDays, 7);
    assert.deepEqual(primary?.readReplicaIdentifiers, [REPLICA_DB]);
    assert.equal(replica?.readReplicaSourceIdentifier, PRIMARY_DB);
    assert.equal(replica?.backupRetentionDays, 0);
    assert.equal(replica?.earliestRestorableTime, null);
    // Created ten days ago with 7-day retention: the window starts at now − 7 days and ends 5 minutes ago.
    assert.equal(primary?.earliestRestorableTime?.getTime(), START.getTime() - 7 * DAY);
    assert.equal(primary?.latestRestorableTime?.getTime(), START.getTime() - 5 * MINUTE);
    assert.equal(primary?.endpoint, "fastier-db.c9akciq32.us-east-1.rds.amazonaws.com");
    await rejectsWith(cloud.databases.describeInstances(["fastier-db", "gone-db"]), "not_found", "gone-db");
  });

  it("refuses to promote an instance that is not a read replica", async () => {
    const { cloud } = await openSimWorld();
    const error = await rejectsWith(
      cloud.databases.promoteReadReplica(PRIMARY_DB),
      "invalid_state",
      "DB Instance is not a read replica.",
    );
    assert.equal((error as { providerCode?: string }).providerCode, "InvalidDBInstanceState");
    await rejectsWith(cloud.databases.promoteReadReplica("nope"), "not_found");
  });

  it("promotes a replica: modifying for about three minutes, then a standalone instance with backups", async () => {
    const { cloud, clock } = await openSimWorld();
    const promoting = await cloud.databases.promoteReadReplica(REPLICA_DB);
    assert.equal(promoting.status, "modifying");
    await rejectsWith(cloud.databases.promoteReadReplica(REPLICA_DB), "invalid_state", "not available");
    clock.advance(2 * MINUTE);
    const [during] = await cloud.databases.describeInstances([REPLICA_DB]);
    assert.equal(during?.status, "modifying");
    assert.equal(during?.readReplicaSourceIdentifier, PRIMARY_DB);

    clock.advance(2 * MINUTE);
    const [promoted, source] = await cloud.databases.describeInstances([REPLICA_DB, PRIMARY_DB]);
    assert.equal(promoted?.status, "available");
    assert.equal(promoted?.readReplicaSourceIdentifier, null);
    assert.ok((promoted?.backupRetentionDays ?? 0) > 0, "backups are enabled");
    assert.deepEqual(source?.readReplicaIdentifiers, []);
    await rejectsWith(cloud.databases.promoteReadReplica(REPLICA_DB), "invalid_state", "not a read replica");
    // Its first restorable point comes once a backup exists after promotion.
    clock.advance(10 * MINUTE);
    const [withBackups] = await cloud.databases.describeInstances([REPLICA_DB]);
    assert.ok(withBackups?.earliestRestorableTime && withBackups.latestRestorableTime);
  });

  it("validates a point-in-time restore on every side, with both window ends in the message", async () => {
    const { cloud } = await openSimWorld();
    const [primary] = await cloud.databases.describeInstances([PRIMARY_DB]);
    const earliest = primary?.earliestRestorableTime as Date;
    const latest = primary?.latestRestorableTime as Date;
    const restore = (extra: object) =>
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: PRIMARY_DB,
        targetIdentifier: "fastier-db-pitr",
        ...extra,
      });

    await rejectsWith(
      restore({ restoreTime: new Date(earliest.getTime() - MINUTE) }),
      "invalid_request",
      earliest.toISOString(),
      latest.toISOString(),
    );
    await rejectsWith(
      restore({ restoreTime: new Date(latest.getTime() + MINUTE) }),
      "invalid_request",
      earliest.toISOString(),
      latest.toISOString(),
    );
    await rejectsWith(restore({}), "invalid_request", "exactly one");
    await rejectsWith(restore({ restoreTime: latest, useLatestRestorableTime: true }), "invalid_request", "both");
    await rejectsWith(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: PRIMARY_DB,
        targetIdentifier: REPLICA_DB,
        useLatestRestorableTime: true,
      }),
      "invalid_request",
      "DBInstanceAlreadyExists",
    );
    await rejectsWith(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: "nope",
        targetIdentifier: "x1",
        useLatestRestorableTime: true,
      }),
      "not_found",
    );
    await rejectsWith(
      restore({ useLatestRestorableTime: true, instanceClass: "db.huge" }),
      "invalid_request",
      "db.huge",
    );
    await rejectsWith(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: PRIMARY_DB,
        targetIdentifier: "bad--name",
        useLatestRestorableTime: true,
      }),
      "invalid_request",
      "not a valid identifier",
    );
    await rejectsWith(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: REPLICA_DB,
        targetIdentifier: "from-replica",
        useLatestRestorableTime: true,
      }),
      "invalid_state",
      "no automated backups",
    );
    assert.equal((await cloud.databases.describeInstances()).length, 2, "nothing was created");
  });

  it("restores to a point in time: creating for ten minutes plus the log replay, then available as asked", async () => {
    const { cloud, clock } = await openSimWorld();
    const [primary] = await cloud.databases.describeInstances([PRIMARY_DB]);
    assert.ok(primary?.earliestRestorableTime);
    const restoreTime = new Date(primary.earliestRestorableTime.getTime() + DAY);
    const creating = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY_DB,
      targetIdentifier: "fastier-db-restored",
      restoreTime,
      instanceClass: "db.r6g.large",
      multiAz: true,
    });
    assert.equal(creating.status, "creating");
    assert.equal(creating.endpoint, null);
    assert.equal(creating.readReplicaSourceIdentifier, null);
    await rejectsWith(cloud.databases.createSnapshot("fastier-db-restored", "too-early"), "invalid_state");

    // Ten minutes from the daily snapshot (00:00 UTC), and a minute per hour of logs from there to the restore time.
    const took = restoreDurationMs(restoreTime.getTime());
    assert.equal(took, 10 * MINUTE + ((restoreTime.getTime() % DAY) / (60 * MINUTE)) * MINUTE);
    clock.advance(took - MINUTE);
    assert.equal((await cloud.databases.describeInstances(["fastier-db-restored"]))[0]?.status, "creating");
    clock.advance(2 * MINUTE);
    const [restored] = await cloud.databases.describeInstances(["fastier-db-restored"]);
    assert.equal(restored?.status, "available");
    assert.equal(restored?.instanceClass, "db.r6g.large");
    assert.equal(restored?.multiAz, true);
    assert.equal(restored?.endpoint, "fastier-db-restored.c9akciq32.us-east-1.rds.amazonaws.com");
    assert.equal(restored?.backupRetentionDays, 7);

    // Young instance: its earliest restorable time is its own start, not now − retention.
    clock.advance(30 * MINUTE);
    const [aged] = await cloud.databases.describeInstances(["fastier-db-restored"]);
    assert.equal(aged?.earliestRestorableTime?.getTime(), START.getTime() + took);
    assert.equal(aged?.latestRestorableTime?.getTime(), clock.now().getTime() - 5 * MINUTE);

    const latest = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY_DB,
      targetIdentifier: "fastier-db-latest",
      useLatestRestorableTime: true,
    });
    assert.equal(latest.instanceClass, "db.t3.medium", "the source's class by default");
    assert.equal(latest.multiAz, false);
  });

  it("takes a snapshot: creating with rising progress, then available; refuses a taken id", async () => {
    const { cloud, clock } = await openSimWorld();
    const started = await cloud.databases.createSnapshot(PRIMARY_DB, "pre-migration");
    assert.equal(started.status, "creating");
    assert.equal(started.type, "manual");
    assert.equal(started.percentProgress, 0);
    assert.equal(started.createdAt?.getTime(), START.getTime());

    clock.advance(1 * MINUTE);
    const [early] = await cloud.databases.describeSnapshots({ snapshotIdentifier: "pre-migration" });
    clock.advance(2 * MINUTE);
    const [later] = await cloud.databases.describeSnapshots({ snapshotIdentifier: "pre-migration" });
    assert.equal(later?.status, "creating");
    assert.ok((early?.percentProgress ?? 0) > 0);
    assert.ok((later?.percentProgress ?? 0) > (early?.percentProgress ?? 0));
    assert.ok((later?.percentProgress ?? 100) < 100);
    clock.advance(2 * MINUTE);
    const [done] = await cloud.databases.describeSnapshots({ snapshotIdentifier: "pre-migration" });
    assert.equal(done?.status, "available");
    assert.equal(done?.percentProgress, 100);

    await rejectsWith(cloud.databases.createSnapshot(REPLICA_DB, "pre-migration"), "invalid_request", "already exists");
    await rejectsWith(cloud.databases.createSnapshot("nope", "other"), "not_found");
    await rejectsWith(cloud.databases.createSnapshot(PRIMARY_DB, "rds:bad"), "invalid_request");
    await rejectsWith(cloud.databases.describeSnapshots({ snapshotIdentifier: "never-taken" }), "not_found");

    const ofPrimary = await cloud.databases.describeSnapshots({ instanceIdentifier: PRIMARY_DB });
    const automated = ofPrimary.filter((s) => s.type === "automated");
    assert.ok(automated.length >= 7 && automated.length <= 8, `${automated.length} daily automated snapshots`);
    assert.ok(automated.every((s) => s.identifier.startsWith(`rds:${PRIMARY_DB}-`) && s.status === "available"));
    assert.ok(ofPrimary.some((s) => s.identifier === "pre-migration"));
    assert.deepEqual(await cloud.databases.describeSnapshots({ instanceIdentifier: REPLICA_DB }), []);
  });

  it("changes Multi-AZ over about five minutes and refuses other changes meanwhile", async () => {
    const { cloud, clock } = await openSimWorld();
    const modifying = await cloud.databases.setMultiAz(REPLICA_DB, true);
    assert.equal(modifying.status, "modifying");
    assert.equal(modifying.multiAz, false, "the new value applies when the change completes");
    await rejectsWith(cloud.databases.setMultiAz(REPLICA_DB, false), "invalid_state");
    await rejectsWith(cloud.databases.createSnapshot(REPLICA_DB, "during-change"), "invalid_state");
    await rejectsWith(cloud.databases.promoteReadReplica(REPLICA_DB), "invalid_state");
    clock.advance(4 * MINUTE);
    assert.equal((await cloud.databases.describeInstances([REPLICA_DB]))[0]?.status, "modifying");
    clock.advance(2 * MINUTE);
    const [changed] = await cloud.databases.describeInstances([REPLICA_DB]);
    assert.equal(changed?.status, "available");
    assert.equal(changed?.multiAz, true);

    const unchanged = await cloud.databases.setMultiAz(PRIMARY_DB, true);
    assert.equal(unchanged.status, "available", "asking for the current value changes nothing");
    await rejectsWith(cloud.databases.setMultiAz("nope", true), "not_found");
  });

  it("restores with RDS's defaults for what the request leaves out, and with what it names", async () => {
    const { cloud } = await openSimWorld();
    const bare = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY_DB,
      targetIdentifier: "bare-copy",
      useLatestRestorableTime: true,
    });
    assert.deepEqual(
      [bare.multiAz, bare.dbSubnetGroupName, bare.vpcSecurityGroupIds, bare.dbParameterGroupName, bare.storageType],
      [false, "default", ["sg-0default000000001"], "default.postgres16", "gp2"],
    );
    const named = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY_DB,
      targetIdentifier: "named-copy",
      useLatestRestorableTime: true,
      multiAz: true,
      dbSubnetGroupName: "fastier-db-subnets",
      vpcSecurityGroupIds: ["sg-0fa57db0000000001"],
      dbParameterGroupName: "fastier-postgres16",
      storageType: "io1",
    });
    assert.deepEqual(
      [
        named.multiAz,
        named.dbSubnetGroupName,
        named.vpcSecurityGroupIds,
        named.dbParameterGroupName,
        named.storageType,
      ],
      [true, "fastier-db-subnets", ["sg-0fa57db0000000001"], "fastier-postgres16", "io1"],
    );
  });

  it("modifies the settings given over about five minutes, refusing while busy", async () => {
    const { cloud, clock } = await openSimWorld();
    const modifying = await cloud.databases.modifyInstance(REPLICA_DB, {
      instanceClass: "db.r6g.large",
      vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
    });
    assert.deepEqual([modifying.status, modifying.instanceClass], ["modifying", "db.t3.medium"]);
    await rejectsWith(cloud.databases.modifyInstance(REPLICA_DB, { multiAz: true }), "invalid_state");
    clock.advance(6 * MINUTE);
    const [changed] = await cloud.databases.describeInstances([REPLICA_DB]);
    assert.deepEqual(
      [changed?.status, changed?.instanceClass, changed?.vpcSecurityGroupIds, changed?.multiAz],
      ["available", "db.r6g.large", ["sg-0123456789abcdef0"], false],
    );
    await rejectsWith(cloud.databases.modifyInstance(REPLICA_DB, { instanceClass: "db.huge.max" }), "invalid_request");
    const nothing = await cloud.databases.modifyInstance(PRIMARY_DB, {});
    assert.equal(nothing.status, "available", "asking for nothing changes nothing");
  });
  it("restarts briefly when backups go on, holds changes for the window when asked, and refuses what RDS refuses", async () => {
    const { cloud, clock } = await openSimWorld();
    await rejectsWith(cloud.databases.modifyInstance(PRIMARY_DB, { backupRetentionDays: 0 }), "invalid_request");
    await rejectsWith(cloud.databases.modifyInstance(PRIMARY_DB, { backupRetentionDays: 36 }), "invalid_request");
    const longer = await cloud.databases.modifyInstance(PRIMARY_DB, { backupRetentionDays: 14 });
    assert.deepEqual([longer.status, longer.backupRetentionDays], ["available", 14], "non-zero to non-zero at once");

    const held = await cloud.databases.modifyInstance(
      REPLICA_DB,
      { multiAz: true, backupRetentionDays: 7 },
      { applyImmediately: false },
    );
    assert.deepEqual(
      [held.status, held.multiAz, held.backupRetentionDays, held.pendingModifiedValues],
      ["available", false, 0, { multiAz: true, backupRetentionDays: 7 }],
    );
    const restarting = await cloud.databases.modifyInstance(REPLICA_DB, { backupRetentionDays: 7 });
    assert.equal(restarting.status, "modifying", "applied now together with the held Multi-AZ change");
    clock.advance(6 * MINUTE);
    const [applied] = await cloud.databases.describeInstances([REPLICA_DB]);
    assert.deepEqual(
      [applied?.status, applied?.multiAz, applied?.backupRetentionDays, applied?.pendingModifiedValues],
      ["available", true, 7, undefined],
    );
  });
});
