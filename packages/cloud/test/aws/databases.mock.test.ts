import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBInstanceToPointInTimeCommand,
} from "@aws-sdk/client-rds";
import { CloudError } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, metadata, mockedCloud } from "./mockedCloud.ts";

const instance = (identifier: string, extra: object = {}) => ({
  DBInstanceIdentifier: identifier,
  DBInstanceClass: "db.t3.medium",
  Engine: "postgres",
  DBInstanceStatus: "available",
  BackupRetentionPeriod: 7,
  DbiResourceId: `db-${identifier.toUpperCase()}`,
  LatestRestorableTime: new Date("2025-01-08T11:55:00Z"),
  ...extra,
});

describe("AWS adapter: RDS requests (aws-sdk-client-mock)", () => {
  const rds = new RDSClient(MOCK_CLIENT_CONFIG);
  const mock = mockClient(rds);
  const cloud = () => mockedCloud({ rds });

  beforeEach(() => mock.reset());

  it("reads the earliest restorable time from the instance's own automated backups", async () => {
    mock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [instance("fastier-db"), instance("fastier-scratch", { BackupRetentionPeriod: 0 })],
    });
    mock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [
        {
          DBInstanceIdentifier: "fastier-db",
          DbiResourceId: "db-OLD",
          Status: "retained",
          RestoreWindow: { EarliestTime: new Date("2024-06-01T00:00:00Z") },
        },
        {
          DBInstanceIdentifier: "fastier-db",
          DbiResourceId: "db-FASTIER-DB",
          Status: "active",
          RestoreWindow: { EarliestTime: new Date("2025-01-01T12:00:00Z"), LatestTime: new Date() },
        },
      ],
    });
    const [db, scratch] = await cloud().databases.describeInstances();
    assert.deepEqual(db?.earliestRestorableTime, new Date("2025-01-01T12:00:00Z"));
    assert.deepEqual(db?.latestRestorableTime, new Date("2025-01-08T11:55:00Z"));
    assert.equal(scratch?.earliestRestorableTime, null);
  });

  it("leaves the earliest time unknown when the backups cannot be read", async () => {
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance("fastier-db")] });
    mock.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(
      new RDSServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: metadata("r1", 403),
        message: "no",
      }),
    );
    const [db] = await cloud().databases.describeInstances();
    assert.equal(db?.earliestRestorableTime, null);
  });

  it("fails the describe when reading the backups fails for a transient reason", async () => {
    // A time that comes and goes with throttling would look like drift to the inventory.
    mock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance("fastier-db")] });
    mock
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .rejects(
        new RDSServiceException({ name: "Throttling", $fault: "client", $metadata: metadata("r2"), message: "slow" }),
      );
    await assert.rejects(
      cloud().databases.describeInstances(),
      (error: unknown) => error instanceof CloudError && error.kind === "throttled",
    );
  });

  it("asks for several instances with one filter", async () => {
    mock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [instance("a", { BackupRetentionPeriod: 0 }), instance("b", { BackupRetentionPeriod: 0 })],
    });
    const found = await cloud().databases.describeInstances(["a", "b"]);
    assert.deepEqual(
      found.map((i) => i.identifier),
      ["a", "b"],
    );
    assert.deepEqual(mock.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input, {
      Filters: [{ Name: "db-instance-id", Values: ["a", "b"] }],
      // The SDK's paginator spells out the paging fields it leaves empty.
      Marker: undefined,
      MaxRecords: undefined,
    });
  });

  it("describes the settings a restore copies: storage type, subnet group, security groups, parameter group", async () => {
    mock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        instance("fastier-db", {
          MultiAZ: true,
          StorageType: "gp3",
          DBSubnetGroup: { DBSubnetGroupName: "fastier-db-subnets" },
          VpcSecurityGroups: [
            { VpcSecurityGroupId: "sg-db", Status: "active" },
            { VpcSecurityGroupId: "sg-old", Status: "removing" },
          ],
          DBParameterGroups: [{ DBParameterGroupName: "fastier-postgres16", ParameterApplyStatus: "in-sync" }],
        }),
      ],
    });
    const [described] = await cloud().databases.describeInstances(["fastier-db"]);
    assert.deepEqual(
      [
        described?.multiAz,
        described?.storageType,
        described?.dbSubnetGroupName,
        described?.vpcSecurityGroupIds,
        described?.dbParameterGroupName,
      ],
      [true, "gp3", "fastier-db-subnets", ["sg-db"], "fastier-postgres16"],
    );
  });

  it("restores to an explicit time or to the latest time with exactly the settings given", async () => {
    mock.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance("restored") });
    const restoreTime = new Date("2025-01-08T10:00:00Z");
    await cloud().databases.restoreToPointInTime({
      sourceIdentifier: "fastier-db",
      targetIdentifier: "restored",
      restoreTime,
      instanceClass: "db.r6g.large",
      multiAz: true,
      dbSubnetGroupName: "fastier-db-subnets",
      vpcSecurityGroupIds: ["sg-db", "sg-admin"],
      dbParameterGroupName: "fastier-postgres16",
      storageType: "gp3",
    });
    await cloud().databases.restoreToPointInTime({
      sourceIdentifier: "fastier-db",
      targetIdentifier: "restored-latest",
      useLatestRestorableTime: true,
      multiAz: false,
    });
    assert.deepEqual(
      mock.commandCalls(RestoreDBInstanceToPointInTimeCommand).map((call) => call.args[0].input),
      [
        {
          SourceDBInstanceIdentifier: "fastier-db",
          TargetDBInstanceIdentifier: "restored",
          RestoreTime: restoreTime,
          DBInstanceClass: "db.r6g.large",
          MultiAZ: true,
          DBSubnetGroupName: "fastier-db-subnets",
          VpcSecurityGroupIds: ["sg-db", "sg-admin"],
          DBParameterGroupName: "fastier-postgres16",
          StorageType: "gp3",
        },
        {
          SourceDBInstanceIdentifier: "fastier-db",
          TargetDBInstanceIdentifier: "restored-latest",
          UseLatestRestorableTime: true,
          MultiAZ: false,
        },
      ],
    );
    assert.equal(mock.commandCalls(DescribeDBInstancesCommand).length, 0, "the caller resolved the settings");
  });

  it("modifies only the settings given, immediately", async () => {
    mock.on(ModifyDBInstanceCommand).resolves({ DBInstance: instance("restored", { MultiAZ: true }) });
    await cloud().databases.modifyInstance("restored", { multiAz: true, vpcSecurityGroupIds: ["sg-db"] });
    await cloud().databases.modifyInstance("restored", {
      instanceClass: "db.r6g.large",
      dbParameterGroupName: "fastier-postgres16",
    });
    assert.deepEqual(
      mock.commandCalls(ModifyDBInstanceCommand).map((call) => call.args[0].input),
      [
        { DBInstanceIdentifier: "restored", MultiAZ: true, VpcSecurityGroupIds: ["sg-db"], ApplyImmediately: true },
        {
          DBInstanceIdentifier: "restored",
          DBInstanceClass: "db.r6g.large",
          DBParameterGroupName: "fastier-postgres16",
          ApplyImmediately: true,
        },
      ],
    );
  });

  it("changes Multi-AZ immediately rather than in the maintenance window", async () => {
    mock.on(ModifyDBInstanceCommand).resolves({ DBInstance: instance("fastier-db", { MultiAZ: true }) });
    const modified = await cloud().databases.setMultiAz("fastier-db", true);
    assert.equal(modified.multiAz, true);
    assert.deepEqual(mock.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input, {
      DBInstanceIdentifier: "fastier-db",
      MultiAZ: true,
      ApplyImmediately: true,
    });
  });
  it("sets Multi-AZ and the backup retention for the maintenance window when asked, and reads what is pending", async () => {
    mock.on(ModifyDBInstanceCommand).resolves({
      DBInstance: instance("fastier-db", {
        MultiAZ: false,
        BackupRetentionPeriod: 0,
        PendingModifiedValues: { MultiAZ: true, BackupRetentionPeriod: 7 },
      }),
    });
    const modified = await cloud().databases.modifyInstance(
      "fastier-db",
      { multiAz: true, backupRetentionDays: 7 },
      { applyImmediately: false },
    );
    assert.deepEqual(mock.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input, {
      DBInstanceIdentifier: "fastier-db",
      MultiAZ: true,
      BackupRetentionPeriod: 7,
      ApplyImmediately: false,
    });
    assert.equal(modified.multiAz, false);
    assert.deepEqual(modified.pendingModifiedValues, { multiAz: true, backupRetentionDays: 7 });
  });

  it("applies a retention change immediately by default and reports nothing pending once done", async () => {
    mock.on(ModifyDBInstanceCommand).resolves({ DBInstance: instance("fastier-db", { BackupRetentionPeriod: 14 }) });
    const modified = await cloud().databases.modifyInstance("fastier-db", { backupRetentionDays: 14 });
    assert.deepEqual(mock.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input, {
      DBInstanceIdentifier: "fastier-db",
      BackupRetentionPeriod: 14,
      ApplyImmediately: true,
    });
    assert.equal(modified.backupRetentionDays, 14);
    assert.equal(modified.pendingModifiedValues, undefined);
  });
});
