import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ASG_NAME,
  FASTIER_PRODUCTION_ENVIRONMENT,
  FASTIER_PRODUCTION_RESOURCES,
  PRIMARY_DB,
  REPLICA_DB,
  SYSTEM_ACTOR,
  seedInventory,
} from "@fastier/core";
import { createInventoryStore } from "@fastier/db";
import { createTestDatabase, type TestDatabase } from "./helpers/testDatabase.ts";

describe("seeding Fastier's production environment", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  const seed = () =>
    seedInventory(createInventoryStore(db), FASTIER_PRODUCTION_ENVIRONMENT, FASTIER_PRODUCTION_RESOURCES, {
      actor: SYSTEM_ACTOR,
      requestId: null,
    });

  it("loads the architecture once and adds nothing on a second run", async () => {
    const first = await seed();
    assert.equal(first.environmentCreated, true);
    assert.equal(first.resourcesCreated, FASTIER_PRODUCTION_RESOURCES.length);
    const second = await seed();
    assert.equal(second.environmentCreated, false);
    assert.equal(second.resourcesCreated, 0);
    assert.equal(await db.prisma.resource.count(), FASTIER_PRODUCTION_RESOURCES.length);
    assert.equal(await db.prisma.auditEvent.count(), FASTIER_PRODUCTION_RESOURCES.length + 1);
  });

  it("has the group, instances and databases the operations act on", async () => {
    const store = createInventoryStore(db);
    const env = await store.findEnvironmentByName("production");
    assert.ok(env);
    const group = await store.findResourceByCloudId(env.id, "auto_scaling_group", ASG_NAME);
    assert.deepEqual(group?.capacity, { minSize: 2, maxSize: 6, desiredCapacity: 2 });
    assert.equal(group?.instanceType, "t3.medium");
    assert.deepEqual(group?.availabilityZones, ["us-east-1a", "us-east-1b"]);
    const instances = await store.listResources({ kind: "instance", sort: "name", limit: 10 });
    assert.equal(instances.items.length, 2);
    assert.ok(instances.items.every((i) => i.parentId === group?.id));
    const primary = await store.findResourceByCloudId(env.id, "db_instance", PRIMARY_DB);
    assert.equal(primary?.database?.multiAz, true);
    assert.equal(primary?.database?.backupRetentionDays, 7);
    const replica = await store.findResourceByCloudId(env.id, "db_instance", REPLICA_DB);
    assert.equal(replica?.database?.role, "replica");
    assert.equal(replica?.database?.sourceDbIdentifier, PRIMARY_DB);
  });
});
