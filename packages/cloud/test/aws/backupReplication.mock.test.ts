// Moto lacks the automated-backup replication API: these requests are checked with aws-sdk-client-mock,
// down to the exact input and the region of the client that sent them (RDS needs the destination's).
import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import { CloudError } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { discoverDbInstances } from "../../src/aws/discovery/discoverDbInstances.ts";
import { createAwsClients, createAwsCloud } from "../../src/aws/index.ts";
import { MOCK_CLIENT_CONFIG, metadata } from "./mockedCloud.ts";

const SOURCE_ARN = "arn:aws:rds:us-east-1:123456789012:db:fastier-db";
const REPLICA_ARN = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-fastierdb0000000000000000000";
const KMS_KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const WINDOW = { EarliestTime: new Date("2026-11-20T10:00:00Z"), LatestTime: new Date("2026-11-25T11:50:00Z") };

const replicated = (extra: object = {}) => ({
  DBInstanceArn: SOURCE_ARN,
  DBInstanceIdentifier: "fastier-db",
  Region: "us-east-1",
  DBInstanceAutomatedBackupsArn: REPLICA_ARN,
  Status: "replicating",
  BackupRetentionPeriod: 7,
  KmsKeyId: KMS_KEY,
  RestoreWindow: WINDOW,
  ...extra,
});

describe("AWS adapter: automated backups replicated to another region (aws-sdk-client-mock)", () => {
  // Every RDSClient, including those the adapter builds for other regions on demand.
  const mock = mockClient(RDSClient);
  const cloud = () => createAwsCloud({ ...MOCK_CLIENT_CONFIG, region: "us-east-1" });
  /** The region of the client that sent the n-th call of a command. */
  const regionOfCall = async (command: Parameters<typeof mock.commandCalls>[0], n = 0) => {
    const client = mock.commandCalls(command)[n]?.thisValue as RDSClient | undefined;
    assert.ok(client, "the command was sent");
    return client.config.region();
  };

  beforeEach(() => mock.reset());
  after(() => mock.restore());

  it("starts replication in the destination region with the source ARN, the retention and the KMS key", async () => {
    mock.on(StartDBInstanceAutomatedBackupsReplicationCommand).resolves({
      DBInstanceAutomatedBackup: replicated({ Status: "pending", RestoreWindow: undefined }),
    });
    const started = await cloud().backupReplication.start("us-west-2", {
      sourceArn: SOURCE_ARN,
      retentionDays: 7,
      kmsKeyId: KMS_KEY,
    });
    const [call] = mock.commandCalls(StartDBInstanceAutomatedBackupsReplicationCommand);
    assert.deepEqual(call?.args[0].input, {
      SourceDBInstanceArn: SOURCE_ARN,
      BackupRetentionPeriod: 7,
      KmsKeyId: KMS_KEY,
    });
    assert.equal(await regionOfCall(StartDBInstanceAutomatedBackupsReplicationCommand), "us-west-2");
    assert.deepEqual(started, {
      sourceIdentifier: "fastier-db",
      sourceArn: SOURCE_ARN,
      sourceRegion: "us-east-1",
      destinationRegion: "us-west-2",
      arn: REPLICA_ARN,
      status: "pending",
      retentionDays: 7,
      kmsKeyId: KMS_KEY,
      earliestRestorableTime: null,
      latestRestorableTime: null,
    });
  });

  it("sends no KmsKeyId for an unencrypted source, and stops in the destination region too", async () => {
    mock.on(StartDBInstanceAutomatedBackupsReplicationCommand).resolves({ DBInstanceAutomatedBackup: replicated() });
    mock
      .on(StopDBInstanceAutomatedBackupsReplicationCommand)
      .resolves({ DBInstanceAutomatedBackup: replicated({ Status: "retained" }) });
    const port = cloud().backupReplication;
    await port.start("eu-central-1", { sourceArn: SOURCE_ARN, retentionDays: 3 });
    assert.deepEqual(mock.commandCalls(StartDBInstanceAutomatedBackupsReplicationCommand)[0]?.args[0].input, {
      SourceDBInstanceArn: SOURCE_ARN,
      BackupRetentionPeriod: 3,
    });
    assert.equal(await regionOfCall(StartDBInstanceAutomatedBackupsReplicationCommand), "eu-central-1");

    const stopped = await port.stop("us-west-2", SOURCE_ARN);
    assert.deepEqual(mock.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand)[0]?.args[0].input, {
      SourceDBInstanceArn: SOURCE_ARN,
    });
    assert.equal(await regionOfCall(StopDBInstanceAutomatedBackupsReplicationCommand), "us-west-2");
    assert.equal(stopped.status, "retained");
  });

  it("describes by the source ARN in the destination, preferring the live replication over retained backups", async () => {
    mock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [
        replicated({ Status: "retained", DBInstanceAutomatedBackupsArn: "arn:old" }),
        replicated(),
        // A local instance of the same name in the destination is someone else's.
        replicated({ DBInstanceArn: "arn:aws:rds:us-west-2:123456789012:db:fastier-db", Region: "us-west-2" }),
      ],
    });
    const found = await cloud().backupReplication.describe("us-west-2", SOURCE_ARN);
    assert.deepEqual(mock.commandCalls(DescribeDBInstanceAutomatedBackupsCommand)[0]?.args[0].input, {
      Filters: [{ Name: "db-instance-id", Values: [SOURCE_ARN] }],
      // The paginator's own fields, unset on the first page.
      Marker: undefined,
      MaxRecords: undefined,
    });
    assert.equal(await regionOfCall(DescribeDBInstanceAutomatedBackupsCommand), "us-west-2");
    assert.equal(found?.arn, REPLICA_ARN);
    assert.equal(found?.status, "replicating");
    assert.deepEqual(found?.latestRestorableTime, WINDOW.LatestTime);

    mock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
    assert.equal(await cloud().backupReplication.describe("us-west-2", SOURCE_ARN), null);
  });

  it("builds one client per other region and keeps it; the home region uses the adapter's own client", async () => {
    const clients = createAwsClients({ ...MOCK_CLIENT_CONFIG, region: "us-east-1" });
    assert.equal(clients.rdsIn("us-west-2"), clients.rdsIn("us-west-2"));
    assert.notEqual(clients.rdsIn("us-west-2"), clients.rdsIn("eu-west-1"));
    assert.equal(clients.rdsIn("us-east-1"), clients.rds);
    assert.equal(await clients.rdsIn("eu-west-1").config.region(), "eu-west-1");
  });

  it("turns RDS's refusals into typed cloud errors", async () => {
    mock.on(StartDBInstanceAutomatedBackupsReplicationCommand).rejects(
      new RDSServiceException({
        name: "InvalidDBInstanceStateFault",
        message: "The source DB instance is not in available state.",
        $fault: "client",
        $metadata: metadata("req-replicate", 400),
      }),
    );
    const refused = await cloud()
      .backupReplication.start("us-west-2", { sourceArn: SOURCE_ARN, retentionDays: 7 })
      .catch((error: unknown) => error);
    assert.ok(refused instanceof CloudError);
    assert.equal(refused.kind, "invalid_state");
    assert.equal(refused.requestId, "req-replicate");
  });

  it("discovery lists each instance's replications with the window its destination reports", async () => {
    mock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: "fastier-db",
          DBInstanceArn: SOURCE_ARN,
          DBInstanceStatus: "available",
          BackupRetentionPeriod: 7,
          DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: REPLICA_ARN }],
        },
        {
          DBInstanceIdentifier: "fastier-scratch",
          DBInstanceArn: "arn:aws:rds:us-east-1:1:db:s",
          BackupRetentionPeriod: 0,
        },
      ],
    });
    // The home region answers its own backups (the source's restore window); the destination its replica.
    mock.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(async (_input, getClient) =>
      (await getClient().config.region()) === "us-west-2"
        ? { DBInstanceAutomatedBackups: [replicated()] }
        : {
            DBInstanceAutomatedBackups: [
              { DBInstanceIdentifier: "fastier-db", Status: "active", RestoreWindow: WINDOW },
            ],
          },
    );
    const clients = createAwsClients({ ...MOCK_CLIENT_CONFIG, region: "us-east-1" });
    const [db, scratch] = await discoverDbInstances(clients, "us-east-1");
    assert.deepEqual(db?.attributes.backupReplications, [
      {
        destinationRegion: "us-west-2",
        status: "replicating",
        retentionDays: 7,
        earliestRestorableTime: WINDOW.EarliestTime.toISOString(),
        latestRestorableTime: WINDOW.LatestTime.toISOString(),
      },
    ]);
    assert.equal("backupReplications" in (scratch?.attributes ?? {}), false, "no attribute without replication");
    const regions = await Promise.all(
      mock
        .commandCalls(DescribeDBInstanceAutomatedBackupsCommand)
        .map((call) => (call.thisValue as RDSClient).config.region()),
    );
    assert.deepEqual(regions.sort(), ["us-east-1", "us-west-2"]);
  });
});
