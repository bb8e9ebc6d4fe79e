import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyResourcePatch, type Resource, specOfNewResource, ValidationError } from "../src/index.ts";

const base = { environmentId: "e", name: "n", cloudId: "c" };

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.problems.map((p) => `${p.field} ${p.rule}`);
  }
  assert.fail("expected a ValidationError");
}

describe("resource kind rules", () => {
  it("fills defaults for a plain resource", () => {
    const spec = specOfNewResource({ ...base, kind: "s3_bucket" });
    assert.equal(spec.status, "active");
    assert.deepEqual(spec.tags, {});
    assert.equal(spec.capacity, null);
  });

  it("requires capacity on an Auto Scaling group and keeps desired within min and max", () => {
    assert.deepEqual(
      problemsOf(() => specOfNewResource({ ...base, kind: "auto_scaling_group" })),
      ["/capacity required"],
    );
    assert.deepEqual(
      problemsOf(() =>
        specOfNewResource({
          ...base,
          kind: "auto_scaling_group",
          capacity: { minSize: 5, maxSize: 2, desiredCapacity: 3 },
        }),
      ),
      ["/capacity/minSize range", "/capacity/desiredCapacity range"],
    );
    const ok = specOfNewResource({
      ...base,
      kind: "auto_scaling_group",
      capacity: { minSize: 2, maxSize: 6, desiredCapacity: 2 },
    });
    assert.equal(ok.capacity?.maxSize, 6);
  });

  it("refuses kind-specific parts on the wrong kind", () => {
    assert.deepEqual(
      problemsOf(() =>
        specOfNewResource({
          ...base,
          kind: "load_balancer",
          capacity: { minSize: 1, maxSize: 1, desiredCapacity: 1 },
          instanceType: "t3.medium",
          pipeline: { stages: ["a"] },
        }),
      ),
      ["/instanceType kind", "/capacity kind", "/pipeline kind"],
    );
  });

  it("checks database roles, replica sources, retention and restorable times", () => {
    const database = {
      role: "replica" as const,
      engine: "postgres",
      engineVersion: "16",
      sourceDbIdentifier: null,
      multiAz: false,
      backupRetentionDays: 36,
      earliestRestorableTime: new Date("2026-01-02"),
      latestRestorableTime: new Date("2026-01-01"),
    };
    assert.deepEqual(
      problemsOf(() => specOfNewResource({ ...base, kind: "db_instance", database })),
      [
        "/database/sourceDbIdentifier required",
        "/database/backupRetentionDays range",
        "/database/earliestRestorableTime order",
      ],
    );
    assert.deepEqual(
      problemsOf(() =>
        specOfNewResource({
          ...base,
          kind: "db_instance",
          database: {
            ...database,
            role: "primary",
            sourceDbIdentifier: "x",
            backupRetentionDays: 7,
            latestRestorableTime: null,
          },
        }),
      ),
      ["/database/sourceDbIdentifier role"],
    );
  });

  it("refuses a pipeline that lists a stage twice", () => {
    assert.deepEqual(
      problemsOf(() =>
        specOfNewResource({ ...base, kind: "pipeline", pipeline: { stages: ["Source", "Build", "Source"] } }),
      ),
      ["/pipeline/stages/2 unique"],
    );
  });

  it("merges a database patch field by field and re-checks the result", () => {
    const current = {
      ...specOfNewResource({
        ...base,
        kind: "db_instance",
        database: {
          role: "primary",
          engine: "postgres",
          engineVersion: "16",
          sourceDbIdentifier: null,
          multiAz: false,
          backupRetentionDays: 1,
          earliestRestorableTime: null,
          latestRestorableTime: null,
        },
      }),
      ...base,
      id: "r",
      kind: "db_instance",
      version: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
    } as Resource;
    const next = applyResourcePatch(current, { database: { multiAz: true } });
    assert.equal(next.database?.multiAz, true);
    assert.equal(next.database?.backupRetentionDays, 1);
    assert.deepEqual(
      problemsOf(() => applyResourcePatch(current, { database: { role: "replica" } })),
      ["/database/sourceDbIdentifier required"],
    );
    assert.deepEqual(
      problemsOf(() => applyResourcePatch(current, { database: null })),
      ["/database required"],
    );
  });
});
