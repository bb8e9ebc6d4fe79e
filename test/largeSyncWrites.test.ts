import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DesiredResource, EMPTY_RESOURCE_SPEC } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore } from "@fastier/db";
import { SYSTEM_AUDIT } from "./helpers/syncedApp.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/testDatabase.ts";

/** More rows than one INSERT can carry within PostgreSQL's 65,535 bind parameters at Prisma's split point. */
const INSTANCES = 2_500;

/**
 * A file of its own: Node prints a deprecation once per process, so the
 * warning must not have been spent by another test before this one looks.
 */
describe("a sync that discovers thousands of resources", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  before(async () => {
    db = await createTestDatabase();
    process.on("warning", onWarning);
  });
  after(async () => {
    process.off("warning", onWarning);
    await db.drop();
  });

  it("writes them in one transaction without overlapping queries on its connection", async () => {
    const inventory = createInventoryStore(db);
    const environment = await inventory.createEnvironment({ name: "big", region: "us-east-1" }, SYSTEM_AUDIT);
    const { parentId: _none, ...spec } = EMPTY_RESOURCE_SPEC;
    const discovered: DesiredResource[] = Array.from({ length: INSTANCES }, (_, index) => ({
      kind: "instance",
      cloudId: `i-${index.toString(16).padStart(17, "0")}`,
      name: `web-${index}`,
      spec: { ...spec, status: "active", region: "us-east-1", instanceType: "t3.medium" },
      parentCloudId: null,
    }));
    const syncs = createPrismaSyncStore(db);
    const run = await syncs.startRun(environment.id, "manual");
    const finished = await syncs.applySync(
      run.id,
      environment.id,
      () => ({ create: discovered, update: [], unchanged: [], markGone: [] }),
      SYSTEM_AUDIT,
      new Date(),
      [],
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(finished.created, INSTANCES);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'resource.discover'",
    );
    assert.equal(rows[0].n, INSTANCES, "one audit event per discovered resource");
    assert.deepEqual(
      warnings.filter((message) => message.includes("already executing a query")),
      [],
      "pg warns (and pg 9 throws) when a query is sent while another runs on the same client",
    );
  });
});
