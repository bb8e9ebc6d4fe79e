import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DiscoveredResource, planSync, type Resource } from "../src/index.ts";

const discovered = (cloudId: string, overrides: Partial<DiscoveredResource> = {}): DiscoveredResource => ({
  kind: "instance",
  cloudId,
  name: cloudId,
  region: "us-east-1",
  availabilityZones: ["us-east-1b", "us-east-1a"],
  tags: { b: "2", a: "1" },
  attributes: { lifecycleState: "InService" },
  status: "active",
  instanceType: "t3.medium",
  capacity: null,
  parentCloudId: null,
  database: null,
  pipeline: null,
  ...overrides,
});

const inInventory = (cloudId: string, overrides: Partial<Resource> = {}): Resource => ({
  id: `id-${cloudId}`,
  environmentId: "env",
  kind: "instance",
  cloudId,
  name: cloudId,
  status: "active",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  tags: { a: "1", b: "2" },
  attributes: { lifecycleState: "InService" },
  instanceType: "t3.medium",
  capacity: null,
  parentId: null,
  database: null,
  pipeline: null,
  goneAt: null,
  lastSyncedAt: null,
  version: 1,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...overrides,
});

describe("planning a sync", () => {
  it("creates the new, updates the drifted, keeps the same and marks the vanished gone", () => {
    const plan = planSync(
      [inInventory("i-same"), inInventory("i-drift"), inInventory("i-vanished")],
      [discovered("i-same"), discovered("i-drift", { instanceType: "t3.large" }), discovered("i-new")],
      new Set(),
    );
    assert.deepEqual(
      plan.create.map((d) => d.cloudId),
      ["i-new"],
    );
    assert.deepEqual(
      plan.update.map((u) => u.current.cloudId),
      ["i-drift"],
    );
    assert.deepEqual(plan.update[0]?.changes, [{ field: "instanceType", before: "t3.medium", after: "t3.large" }]);
    assert.deepEqual(
      plan.unchanged.map((u) => u.current.cloudId),
      ["i-same"],
    );
    assert.deepEqual(
      plan.markGone.map((r) => r.cloudId),
      ["i-vanished"],
    );
  });

  it("does not take key order or zone order for drift", () => {
    const plan = planSync([inInventory("i-1", { tags: { b: "2", a: "1" } })], [discovered("i-1")], new Set());
    assert.equal(plan.unchanged.length, 1);
  });

  it("leaves resources of a kind whose listing failed alone", () => {
    const plan = planSync(
      [inInventory("i-1"), inInventory("db-1", { kind: "db_instance" })],
      [],
      new Set(["db_instance"]),
    );
    assert.deepEqual(
      plan.markGone.map((r) => r.cloudId),
      ["i-1"],
    );
  });

  it("brings back a gone resource that reappears, and does not mark it gone twice", () => {
    const plan = planSync(
      [inInventory("i-back", { status: "gone", goneAt: new Date() }), inInventory("i-still-gone", { status: "gone" })],
      [discovered("i-back")],
      new Set(),
    );
    assert.deepEqual(
      plan.update.map((u) => [u.current.cloudId, u.changes.map((c) => c.field)]),
      [["i-back", ["status"]]],
    );
    assert.deepEqual(plan.markGone, []);
  });

  it("tells the same cloud id of different kinds apart", () => {
    const plan = planSync(
      [inInventory("shared")],
      [discovered("shared"), discovered("shared", { kind: "s3_bucket", instanceType: null })],
      new Set(),
    );
    assert.equal(plan.unchanged.length, 1);
    assert.deepEqual(
      plan.create.map((d) => d.kind),
      ["s3_bucket"],
    );
  });
});
