import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { CloudError, type CloudPort } from "@fastier/core";
import { motoCloud, motoConfig } from "./motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "./motoServer.ts";

const PRIMARY = "fastier-db";
const REPLICA = "fastier-db-replica";
const STANDALONE = "fastier-scratch";

function createPostgres(rds: RDSClient, identifier: string, backupRetentionDays: number) {
  return rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: identifier,
      Engine: "postgres",
      EngineVersion: "16.4",
      DBInstanceClass: "db.t3.medium",
      AllocatedStorage: 20,
      MasterUsername: "fastier",
      MasterUserPassword: "not-a-real-secret",
      BackupRetentionPeriod: backupRetentionDays,
      AvailabilityZone: "us-east-1a",
      Tags: [{ Key: "app", Value: "fastier-web" }],
    }),
  );
}

const cloudError = (kind: CloudError["kind"], code?: string) => (error: unknown) => {
  assert.ok(error instanceof CloudError, `expected a CloudError, got ${String(error)}`);
  assert.equal(error.kind, kind);
  if (code) assert.equal(error.providerCode, code);
  return true;
};

describe("AWS adapter: RDS against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let rds: RDSClient;
  let cloud: CloudPort;

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    rds = new RDSClient(motoConfig(moto));
    await createPostgres(rds, PRIMARY, 7);
    await createPostgres(rds, STANDALONE, 0);
    await rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: REPLICA,
        SourceDBInstanceIdentifier: PRIMARY,
        DBInstanceClass: "db.t3.medium",
      }),
    );
    cloud = motoCloud(moto);
  });
  after(() => moto?.stop());

  it("describes every instance with its replication role fields", async () => {
    const instances = await cloud.databases.describeInstances();
    const byId = new Map(instances.map((i) => [i.identifier, i]));
    assert.deepEqual([...byId.keys()].sort(), [PRIMARY, REPLICA, STANDALONE]);

    const primary = byId.get(PRIMARY);
    assert.deepEqual(primary?.readReplicaIdentifiers, [REPLICA]);
    assert.equal(primary?.readReplicaSourceIdentifier, null);
    assert.equal(primary?.engine, "postgres");
    assert.equal(primary?.engineVersion, "16.4");
    assert.equal(primary?.instanceClass, "db.t3.medium");
    assert.equal(primary?.backupRetentionDays, 7);
    assert.equal(primary?.multiAz, false);
    assert.equal(primary?.status, "available");
    assert.equal(primary?.availabilityZone, "us-east-1a");
    assert.match(primary?.endpoint ?? "", /^fastier-db\./);
    assert.equal(primary?.arn, `arn:aws:rds:us-east-1:123456789012:db:${PRIMARY}`);
    assert.deepEqual(primary?.tags, { app: "fastier-web" });
    assert.ok(primary?.latestRestorableTime instanceof Date);
    // moto's automated backups carry no RestoreWindow, so the earliest time is unknown here
    // (the mock tests cover reading it).
    assert.equal(primary?.earliestRestorableTime, null);

    const replica = byId.get(REPLICA);
    assert.equal(replica?.readReplicaSourceIdentifier, PRIMARY);
    assert.deepEqual(replica?.readReplicaIdentifiers, []);
    assert.equal(byId.get(STANDALONE)?.readReplicaSourceIdentifier, null);
    assert.deepEqual(byId.get(STANDALONE)?.readReplicaIdentifiers, []);
  });

  it("describes the named instances only, and a missing one is not_found", async () => {
    const named = await cloud.databases.describeInstances([REPLICA]);
    assert.deepEqual(
      named.map((i) => i.identifier),
      [REPLICA],
    );
    await assert.rejects(cloud.databases.describeInstances([PRIMARY, "no-such-db"]), cloudError("not_found"));
  });

  it("refuses to promote an instance that is not a read replica (moto itself would accept it)", async () => {
    await assert.rejects(cloud.databases.promoteReadReplica(STANDALONE), (error: unknown) => {
      cloudError("invalid_state")(error);
      assert.match((error as Error).message, /not a read replica/);
      return true;
    });
    // What moto does without the adapter's check: it answers 200 and changes nothing. RDS
    // answers InvalidDBInstanceState, which maps to the same kind (see the error table tests).
    const raw = await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: STANDALONE }));
    assert.equal(raw.DBInstance?.DBInstanceIdentifier, STANDALONE);
    assert.equal(raw.DBInstance?.ReadReplicaSourceDBInstanceIdentifier, undefined);
  });

  it("reports promoting an unknown instance as not_found", async () => {
    await assert.rejects(
      cloud.databases.promoteReadReplica("no-such-db"),
      cloudError("not_found", "DBInstanceNotFound"),
    );
  });

  it("restores to an explicit point in time with a new class and Multi-AZ", async () => {
    const [source] = await cloud.databases.describeInstances([PRIMARY]);
    const restoreTime = new Date((source?.latestRestorableTime?.getTime() ?? Date.now()) - 1000);
    const restored = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY,
      targetIdentifier: "fastier-db-restored",
      restoreTime,
      instanceClass: "db.r6g.large",
      multiAz: true,
    });
    assert.equal(restored.identifier, "fastier-db-restored");
    assert.equal(restored.instanceClass, "db.r6g.large");
    assert.equal(restored.multiAz, true);
    assert.equal(restored.engine, "postgres");
    const [described] = await cloud.databases.describeInstances(["fastier-db-restored"]);
    assert.equal(described?.instanceClass, "db.r6g.large");
  });

  it("restores to the latest restorable time, keeping the source's class", async () => {
    const restored = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY,
      targetIdentifier: "fastier-db-latest",
      useLatestRestorableTime: true,
    });
    assert.equal(restored.identifier, "fastier-db-latest");
    assert.equal(restored.instanceClass, "db.t3.medium");
    assert.equal(restored.multiAz, false);
  });

  it("restores with the settings named, and modifies the new instance immediately", async () => {
    const [source] = await cloud.databases.describeInstances([PRIMARY]);
    assert.ok(source?.dbParameterGroupName, "moto names the source's parameter group");
    const restored = await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY,
      targetIdentifier: "fastier-db-settings",
      useLatestRestorableTime: true,
      instanceClass: "db.t3.medium",
      multiAz: false,
      dbParameterGroupName: source?.dbParameterGroupName ?? undefined,
      storageType: "gp3",
    });
    assert.deepEqual(
      [restored.storageType, restored.dbParameterGroupName, restored.instanceClass],
      ["gp3", source?.dbParameterGroupName, "db.t3.medium"],
    );
    const modified = await cloud.databases.modifyInstance("fastier-db-settings", {
      multiAz: true,
      instanceClass: "db.r6g.large",
    });
    assert.deepEqual([modified.multiAz, modified.instanceClass], [true, "db.r6g.large"]);
    const [described] = await cloud.databases.describeInstances(["fastier-db-settings"]);
    assert.deepEqual([described?.multiAz, described?.instanceClass], [true, "db.r6g.large"]);
  });

  it("refuses a restore whose new identifier is taken, or whose time is ambiguous", async () => {
    await assert.rejects(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: PRIMARY,
        targetIdentifier: "fastier-db-latest",
        useLatestRestorableTime: true,
      }),
      (error: unknown) => {
        cloudError("invalid_request", "DBInstanceAlreadyExists")(error);
        const cloud = error as CloudError;
        assert.equal(cloud.service, "rds");
        assert.ok(cloud.requestId, "the provider's request id is kept");
        assert.ok(cloud.cause instanceof Error);
        return true;
      },
    );
    await assert.rejects(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: PRIMARY,
        targetIdentifier: "fastier-db-both",
        useLatestRestorableTime: true,
        restoreTime: new Date(),
      }),
      cloudError("invalid_request"),
    );
    await assert.rejects(
      cloud.databases.restoreToPointInTime({ sourceIdentifier: PRIMARY, targetIdentifier: "fastier-db-neither" }),
      cloudError("invalid_request"),
    );
    await assert.rejects(
      cloud.databases.restoreToPointInTime({
        sourceIdentifier: "no-such-db",
        targetIdentifier: "fastier-db-orphan",
        useLatestRestorableTime: true,
      }),
      cloudError("not_found"),
    );
  });

  it("creates a snapshot and finds it by instance and by identifier", async () => {
    const snapshot = await cloud.databases.createSnapshot(PRIMARY, "fastier-db-before-deploy");
    assert.equal(snapshot.identifier, "fastier-db-before-deploy");
    assert.equal(snapshot.dbInstanceIdentifier, PRIMARY);
    assert.equal(snapshot.type, "manual");
    assert.ok(snapshot.createdAt instanceof Date);

    const forInstance = await cloud.databases.describeSnapshots({ instanceIdentifier: PRIMARY });
    assert.ok(forInstance.some((s) => s.identifier === "fastier-db-before-deploy" && s.type === "manual"));
    assert.ok(forInstance.every((s) => s.dbInstanceIdentifier === PRIMARY));

    const byId = await cloud.databases.describeSnapshots({ snapshotIdentifier: "fastier-db-before-deploy" });
    assert.deepEqual(
      byId.map((s) => [s.identifier, s.status]),
      [["fastier-db-before-deploy", "available"]],
    );
    assert.deepEqual(await cloud.databases.describeSnapshots({ snapshotIdentifier: "no-such-snapshot" }), []);
    await assert.rejects(
      cloud.databases.createSnapshot(PRIMARY, "fastier-db-before-deploy"),
      cloudError("invalid_request", "DBSnapshotAlreadyExists"),
    );
  });

  it("turns Multi-AZ on", async () => {
    const modified = await cloud.databases.setMultiAz(PRIMARY, true);
    assert.equal(modified.multiAz, true);
    const [described] = await cloud.databases.describeInstances([PRIMARY]);
    assert.equal(described?.multiAz, true);
  });

  it("sets Multi-AZ and the backup retention with ModifyDBInstance, as DescribeDBInstances then shows", async () => {
    await cloud.databases.modifyInstance(PRIMARY, { multiAz: false, backupRetentionDays: 14 });
    const [single] = await cloud.databases.describeInstances([PRIMARY]);
    assert.equal(single?.multiAz, false);
    assert.equal(single?.backupRetentionDays, 14);
    await cloud.databases.modifyInstance(PRIMARY, { multiAz: true });
    const [multi] = await cloud.databases.describeInstances([PRIMARY]);
    assert.equal(multi?.multiAz, true);
    assert.equal(multi?.backupRetentionDays, 14, "a change of one setting leaves the other");
  });

  it("promotes the read replica", async () => {
    const promoted = await cloud.databases.promoteReadReplica(REPLICA);
    assert.equal(promoted.identifier, REPLICA);
    assert.equal(promoted.engine, "postgres");
    assert.equal(promoted.status, "available");
  });
});
