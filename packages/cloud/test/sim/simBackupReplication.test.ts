import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PRIMARY_DB, REPLICA_DB } from "@fastier/core";
import { FIRST_COPY_MS, REPLICATED_LAG_MS } from "../../src/sim/simBackupReplication.ts";
import { DAY, MINUTE, openSimWorld, rejectsWith, START } from "./simTestWorld.ts";

const KMS_KEY = "arn:aws:kms:us-west-2:123456789012:key/sim-test";

describe("simulated cross-region replication of automated backups", () => {
  const arnOf = async (cloud: Awaited<ReturnType<typeof openSimWorld>>["cloud"], identifier: string) => {
    const [instance] = await cloud.databases.describeInstances([identifier]);
    return instance?.arn ?? "";
  };

  /** A fresh world whose primary does not replicate yet: the seed replicates it to us-west-2. */
  const worldWithoutReplication = async () => {
    const world = await openSimWorld();
    const sourceArn = await arnOf(world.cloud, PRIMARY_DB);
    await world.cloud.backupReplication.stop("us-west-2", sourceArn);
    return { ...world, sourceArn };
  };

  it("seeds Fastier's primary replicating to us-west-2 with a key there", async () => {
    const { cloud } = await openSimWorld();
    const seeded = await cloud.backupReplication.describe("us-west-2", await arnOf(cloud, PRIMARY_DB));
    assert.equal(seeded?.status, "replicating");
    assert.match(seeded?.kmsKeyId ?? "", /^arn:aws:kms:us-west-2:\d{12}:key\//);
    assert.deepEqual(seeded?.earliestRestorableTime, new Date(START.getTime() - 7 * DAY));
  });

  it("goes from pending to replicating, with a window from the start trailing the source by a few minutes", async () => {
    const { cloud, clock, sourceArn } = await worldWithoutReplication();
    const started = await cloud.backupReplication.start("us-west-2", {
      sourceArn,
      retentionDays: 7,
      kmsKeyId: KMS_KEY,
    });
    assert.equal(started.status, "pending");
    assert.equal(started.earliestRestorableTime, null, "nothing to restore from before the first copy");

    clock.advance(FIRST_COPY_MS - MINUTE);
    assert.equal((await cloud.backupReplication.describe("us-west-2", sourceArn))?.status, "pending");
    clock.advance(30 * MINUTE);
    const replicating = await cloud.backupReplication.describe("us-west-2", sourceArn);
    const [source] = await cloud.databases.describeInstances([PRIMARY_DB]);
    assert.equal(replicating?.status, "replicating");
    assert.deepEqual(replicating?.earliestRestorableTime, START, "the window starts when replication started");
    assert.equal(
      (source?.latestRestorableTime?.getTime() ?? 0) - (replicating?.latestRestorableTime?.getTime() ?? 0),
      REPLICATED_LAG_MS,
    );
    assert.equal(replicating?.sourceRegion, "us-east-1");
    assert.equal(replicating?.kmsKeyId, KMS_KEY);
    assert.equal(await cloud.backupReplication.describe("eu-central-1", sourceArn), null, "only where it was asked");

    // The window is the replica's own retention, however long ago replication started.
    clock.advance(5 * DAY);
    const later = await cloud.backupReplication.describe("us-west-2", sourceArn);
    assert.deepEqual(later?.earliestRestorableTime, START);
    const stopped = await cloud.backupReplication.stop("us-west-2", sourceArn);
    assert.equal(stopped.status, "retained");
    await cloud.backupReplication.start("us-west-2", { sourceArn, retentionDays: 1, kmsKeyId: KMS_KEY });
    clock.advance(3 * DAY);
    const oneDay = await cloud.backupReplication.describe("us-west-2", sourceArn);
    assert.equal(clock.now().getTime() - (oneDay?.earliestRestorableTime?.getTime() ?? 0), DAY);
  });

  it("shows in discovery as the instance's backupReplications, and goes when stopped", async () => {
    const { cloud, clock, sourceArn } = await worldWithoutReplication();
    await cloud.backupReplication.start("us-west-2", { sourceArn, retentionDays: 7, kmsKeyId: KMS_KEY });
    clock.advance(FIRST_COPY_MS + 10 * MINUTE);
    const primaryOf = async () =>
      (await cloud.discovery.discover()).resources.find((r) => r.kind === "db_instance" && r.cloudId === PRIMARY_DB);
    const [record] = ((await primaryOf())?.attributes.backupReplications ?? []) as Record<string, unknown>[];
    assert.deepEqual(record, {
      destinationRegion: "us-west-2",
      status: "replicating",
      retentionDays: 7,
      earliestRestorableTime: START.toISOString(),
      latestRestorableTime: new Date(clock.now().getTime() - 10 * MINUTE).toISOString(),
    });
    await cloud.backupReplication.stop("us-west-2", sourceArn);
    assert.equal("backupReplications" in ((await primaryOf())?.attributes ?? {}), false);
    await rejectsWith(cloud.backupReplication.stop("us-west-2", sourceArn), "not_found", "us-west-2");
  });

  it("refuses as RDS does: the home region, a second start, a replica, no key for an encrypted source", async () => {
    const { cloud } = await openSimWorld();
    const sourceArn = await arnOf(cloud, PRIMARY_DB);
    const request = { sourceArn, retentionDays: 7, kmsKeyId: KMS_KEY };
    await rejectsWith(cloud.backupReplication.start("us-east-1", request), "invalid_request", "another region");
    await rejectsWith(cloud.backupReplication.describe("moon", sourceArn), "invalid_request", "not a region");
    await rejectsWith(
      cloud.backupReplication.start("us-west-2", { sourceArn, retentionDays: 7 }),
      "invalid_request",
      "KmsKeyId",
    );
    await rejectsWith(
      cloud.backupReplication.start("eu-west-1", request),
      "invalid_request",
      "not in the destination region",
    );
    await rejectsWith(
      cloud.backupReplication.start("us-west-2", { ...request, sourceArn: await arnOf(cloud, REPLICA_DB) }),
      "invalid_state",
      "read replica",
    );
    await rejectsWith(cloud.backupReplication.start("us-west-2", { ...request, retentionDays: 0 }), "invalid_request");
    // The seeded replication is there already.
    await rejectsWith(cloud.backupReplication.start("us-west-2", request), "invalid_state", "already replicate");
  });
});
