import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASG_NAME, type DiscoveredResource, FASTIER_PRODUCTION_RESOURCES, PRIMARY_DB, REPLICA_DB } from "@fastier/core";
import { restoreDurationMs } from "../../src/sim/simDatabases.ts";
import { DAY, MINUTE, openSimWorld, START } from "./simTestWorld.ts";

const countByKind = (resources: { kind: string }[]) =>
  resources.reduce<Record<string, number>>((counts, r) => {
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    return counts;
  }, {});

describe("simulated discovery", () => {
  it("finds exactly the example inventory: same kinds, counts, ids and attributes", async () => {
    const { cloud } = await openSimWorld();
    const { resources, failures } = await cloud.discovery.discover();
    assert.deepEqual(failures, []);
    assert.deepEqual(countByKind(resources), countByKind(FASTIER_PRODUCTION_RESOURCES));
    for (const seed of FASTIER_PRODUCTION_RESOURCES) {
      const found = resources.find((r) => r.kind === seed.kind && r.cloudId === seed.cloudId);
      assert.ok(found, `${seed.kind} ${seed.cloudId} is discovered`);
      const what = `${seed.kind} ${seed.cloudId}`;
      assert.equal(found.name, seed.name, what);
      assert.equal(found.parentCloudId, seed.parent ?? null, what);
      assert.equal(found.region, seed.region ?? null, what);
      assert.deepEqual([...found.availabilityZones].sort(), [...(seed.availabilityZones ?? [])].sort(), what);
      assert.deepEqual(found.tags, seed.tags ?? {}, what);
      // The replicated backups' window moves with time: compared below, not with the example inventory.
      const { backupReplications: _window, ...attributes } = found.attributes;
      assert.deepEqual(attributes, seed.attributes ?? {}, what);
      assert.equal(found.instanceType, seed.instanceType ?? null, what);
      assert.deepEqual(found.capacity, seed.capacity ?? null, what);
      assert.deepEqual(found.pipeline, seed.pipeline ?? null, what);
      assert.equal(found.status, "active", what);
      const withoutTimes = (db: DiscoveredResource["database"]) =>
        db && { ...db, earliestRestorableTime: null, latestRestorableTime: null };
      assert.deepEqual(withoutTimes(found.database), seed.database ?? null, what);
    }
    const primary = resources.find((r) => r.cloudId === PRIMARY_DB);
    assert.equal(primary?.database?.earliestRestorableTime?.getTime(), START.getTime() - 7 * DAY);
    assert.equal(primary?.database?.latestRestorableTime?.getTime(), START.getTime() - 5 * MINUTE);
    const replica = resources.find((r) => r.cloudId === REPLICA_DB);
    assert.equal(replica?.database?.latestRestorableTime, null);
    // Production's backups replicate to us-west-2: a window of the retention, 5 minutes behind the source.
    assert.deepEqual(primary?.attributes.backupReplications, [
      {
        destinationRegion: "us-west-2",
        status: "replicating",
        retentionDays: 7,
        earliestRestorableTime: new Date(START.getTime() - 7 * DAY).toISOString(),
        latestRestorableTime: new Date(START.getTime() - 10 * MINUTE).toISOString(),
      },
    ]);
    assert.equal(replica?.attributes.backupReplications, undefined, "a read replica's backups are not replicated");
  });

  it("follows changes: new instances, promoted and restored databases; terminated instances vanish", async () => {
    const { cloud, clock } = await openSimWorld();
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    await cloud.databases.promoteReadReplica(REPLICA_DB);
    await cloud.databases.restoreToPointInTime({
      sourceIdentifier: PRIMARY_DB,
      targetIdentifier: "fastier-db-dr-test",
      useLatestRestorableTime: true,
    });
    let { resources } = await cloud.discovery.discover();
    const instances = resources.filter((r) => r.kind === "instance");
    assert.equal(instances.length, 4);
    const launching = instances.filter((r) => r.status === "pending");
    assert.equal(launching.length, 2);
    assert.ok(launching.every((r) => r.parentCloudId === ASG_NAME && r.attributes.lifecycleState === "Pending"));
    assert.equal(resources.find((r) => r.kind === "auto_scaling_group")?.status, "modifying");
    assert.equal(resources.find((r) => r.cloudId === REPLICA_DB)?.status, "modifying");
    const restored = resources.find((r) => r.cloudId === "fastier-db-dr-test");
    assert.equal(restored?.status, "pending");
    assert.equal(restored?.database?.role, "standalone");

    // Long enough for the instances to boot and the restore (to five minutes ago) to replay its logs.
    clock.advance(Math.max(15 * MINUTE, restoreDurationMs(START.getTime() - 5 * MINUTE)));
    ({ resources } = await cloud.discovery.discover());
    assert.ok(resources.filter((r) => r.kind === "instance").every((r) => r.status === "active"));
    assert.equal(resources.find((r) => r.kind === "auto_scaling_group")?.status, "active");
    const promoted = resources.find((r) => r.cloudId === REPLICA_DB);
    assert.equal(promoted?.database?.role, "standalone");
    assert.equal(promoted?.database?.sourceDbIdentifier, null);
    // With its only replica gone, RDS no longer shows the old primary as a source, so neither does the inventory.
    assert.equal(resources.find((r) => r.cloudId === PRIMARY_DB)?.database?.role, "standalone");
    assert.equal(resources.find((r) => r.cloudId === "fastier-db-dr-test")?.status, "active");

    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 2);
    clock.advance(2 * MINUTE);
    ({ resources } = await cloud.discovery.discover());
    assert.deepEqual(
      resources
        .filter((r) => r.kind === "instance")
        .map((r) => r.cloudId)
        .sort(),
      FASTIER_PRODUCTION_RESOURCES.filter((r) => r.kind === "instance")
        .map((r) => r.cloudId)
        .sort(),
    );
  });
});
