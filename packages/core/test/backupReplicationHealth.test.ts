import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { replicateBackupsProposal } from "../src/health/recommendations/backupReplicationRecommendation.ts";
import { evaluateBackupReplication } from "../src/health/rules/backupReplicationRule.ts";
import { type BackupReplicationRecord, PRIMARY_DB, type Resource, withBackupReplication } from "../src/index.ts";
import { dbTarget } from "./helpers/rdsTargets.ts";

const NOW = new Date("2026-11-25T12:00:00Z");
const KEY = "arn:aws:kms:us-east-2:123456789012:key/abc";
const NO_DEFAULTS = { partnerRegions: {}, kmsKeyIds: {} };
const record = (destinationRegion: string, status: string): BackupReplicationRecord => ({
  destinationRegion,
  status,
  retentionDays: 7,
  earliestRestorableTime: null,
  latestRestorableTime: null,
});
/** The example inventory's production primary (encrypted, tagged env=production), with the given replications. */
const primaryWith = (records: BackupReplicationRecord[], extra: Partial<Resource> = {}): Resource => {
  const primary = dbTarget(PRIMARY_DB);
  const attributes = records.length > 0 ? { ...primary.attributes, backupReplications: records } : primary.attributes;
  return { ...primary, attributes, ...extra };
};

describe("the replicate-backups rule and recommendation", () => {
  it("fires for a production database without replication, and a pending one already counts", () => {
    const [firing] = evaluateBackupReplication({ databases: [primaryWith([])], now: NOW });
    assert.equal(firing?.verdict, "firing");
    assert.equal(firing?.verdict === "firing" && firing.severity, "warning");
    const [pending] = evaluateBackupReplication({
      databases: [primaryWith([record("us-west-2", "pending")])],
      now: NOW,
    });
    assert.equal(pending?.verdict, "clear");
    assert.deepEqual(
      pending?.evidence.map((e) => [e.metric, e.value]),
      [["BackupReplicationCount", 1]],
    );
    const [retained] = evaluateBackupReplication({
      databases: [primaryWith([record("us-west-2", "retained")])],
      now: NOW,
    });
    assert.equal(retained?.verdict, "firing", "retained backups are what a stop leaves: nothing new arrives");
    const staging = primaryWith([], { tags: { env: "staging" } });
    assert.equal(evaluateBackupReplication({ databases: [staging], now: NOW })[0]?.verdict, "clear");
  });

  it("proposes the partner region, configuration first, with the destination's key for an encrypted source", () => {
    const primary = primaryWith([]);
    assert.deepEqual(replicateBackupsProposal(primary, NO_DEFAULTS)?.proposal, { destinationRegion: "us-west-2" });
    assert.equal(replicateBackupsProposal(primary, NO_DEFAULTS)?.apply, null, "encrypted, and no key configured");
    const configured = replicateBackupsProposal(primary, {
      partnerRegions: { "us-east-1": "us-east-2" },
      kmsKeyIds: { "us-east-2": KEY },
    });
    assert.deepEqual(configured?.apply, {
      operationKind: "start_backup_replication",
      params: { destinationRegion: "us-east-2", kmsKeyId: KEY },
    });
    const unencrypted = { ...primary, attributes: { storageEncrypted: false } };
    assert.deepEqual(replicateBackupsProposal(unencrypted, NO_DEFAULTS)?.apply?.params, {
      destinationRegion: "us-west-2",
    });
    assert.equal(replicateBackupsProposal({ ...primary, region: "xx-nowhere-1" }, NO_DEFAULTS), null);
  });

  it("replaces one region's entry in the attributes, and drops the attribute once none is left", () => {
    const attributes = { storageEncrypted: true, backupReplications: [record("us-west-2", "replicating")] };
    const added = withBackupReplication(attributes, "eu-west-1", record("eu-west-1", "pending"));
    assert.deepEqual(
      (added.backupReplications as BackupReplicationRecord[]).map((r) => r.destinationRegion),
      ["eu-west-1", "us-west-2"],
    );
    assert.deepEqual(withBackupReplication(attributes, "us-west-2", null), { storageEncrypted: true });
  });
});
