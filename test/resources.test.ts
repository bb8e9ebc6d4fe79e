import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

interface ResourceJson {
  id: string;
  name: string;
  kind: string;
  version: number;
  createdAt: string;
  [key: string]: unknown;
}

describe("resources API", () => {
  let t: TestApp;
  let envId: string;
  let otherEnvId: string;
  let groupId: string;

  const post = (payload: object) =>
    t.app.inject({ method: "POST", url: "/v1/resources", headers: t.auth("operator"), payload });
  const list = async (query: string) => {
    const response = await t.app.inject({ method: "GET", url: `/v1/resources?${query}`, headers: t.auth("viewer") });
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { items: ResourceJson[]; nextCursor: string | null };
  };

  before(async () => {
    t = await createTestApp();
    const env = async (name: string) =>
      (
        await t.app.inject({
          method: "POST",
          url: "/v1/environments",
          headers: t.auth("operator"),
          payload: { name, region: "us-east-1" },
        })
      ).json().id as string;
    envId = await env("prod");
    otherEnvId = await env("other");
    const group = await post({
      environmentId: envId,
      kind: "auto_scaling_group",
      name: "web-asg",
      cloudId: "web-asg",
      instanceType: "t3.medium",
      availabilityZones: ["us-east-1a", "us-east-1b"],
      capacity: { minSize: 2, maxSize: 6, desiredCapacity: 2 },
      tags: { tier: "web" },
    });
    assert.equal(group.statusCode, 201, group.body);
    groupId = group.json().id;
    for (let i = 1; i <= 7; i += 1) {
      const created = await post({
        environmentId: envId,
        kind: "instance",
        name: `web-${i}`,
        cloudId: `i-${i}`,
        parentId: groupId,
        instanceType: "t3.medium",
        status: i === 7 ? "pending" : "active",
        tags: { tier: "web", ...(i % 2 === 0 && { even: "yes" }) },
      });
      assert.equal(created.statusCode, 201, created.body);
    }
    await post({
      environmentId: otherEnvId,
      kind: "db_instance",
      name: "db-main",
      cloudId: "db-main",
      instanceType: "db.t3.medium",
      database: {
        role: "primary",
        multiAz: true,
        backupRetentionDays: 7,
        latestRestorableTime: "2026-11-25T10:00:00Z",
      },
    });
  });
  after(() => t.close());

  it("returns kind-specific fields as typed parts", async () => {
    const { items } = await list("kind=db_instance");
    assert.equal(items.length, 1);
    const db = items[0] as ResourceJson & { database: Record<string, unknown>; capacity: unknown };
    assert.equal(db.database.role, "primary");
    assert.equal(db.database.multiAz, true);
    assert.equal(db.database.latestRestorableTime, "2026-11-25T10:00:00.000Z");
    assert.equal(db.database.engine, null);
    assert.equal(db.capacity, null);
  });

  it("filters by environment, kind, status, name prefix and tag", async () => {
    assert.equal((await list(`environmentId=${envId}`)).items.length, 8);
    assert.equal((await list(`environmentId=${otherEnvId}`)).items.length, 1);
    assert.deepEqual(
      (await list("kind=auto_scaling_group")).items.map((r) => r.name),
      ["web-asg"],
    );
    assert.deepEqual(
      (await list("status=pending")).items.map((r) => r.name),
      ["web-7"],
    );
    assert.equal((await list("namePrefix=web-")).items.length, 8);
    assert.deepEqual(
      (await list("tag=even")).items.map((r) => r.name),
      ["web-2", "web-4", "web-6"],
    );
    assert.deepEqual(
      (await list("tag=even=yes&kind=instance&status=active")).items.map((r) => r.name),
      ["web-2", "web-4", "web-6"],
    );
    assert.equal((await list("tag=tier=db")).items.length, 0);
  });

  it("matches a name prefix literally, wildcards included", async () => {
    await post({ environmentId: otherEnvId, kind: "s3_bucket", name: "pct%_odd", cloudId: "pct" });
    assert.deepEqual(
      (await list("namePrefix=pct%25_")).items.map((r) => r.name),
      ["pct%_odd"],
    );
    assert.equal((await list("namePrefix=p%25")).items.length, 0);
    assert.equal((await list("namePrefix=%25")).items.length, 0);
    await t.db.prisma.resource.deleteMany({ where: { cloudId: "pct" } });
  });

  it("sorts both ways and pages without gaps or repeats", async () => {
    const all = (await list("sort=name&limit=200")).items.map((r) => r.name);
    assert.deepEqual(all, [...all].sort());
    const reversed = (await list("sort=-name&limit=200")).items.map((r) => r.name);
    assert.deepEqual(reversed, [...all].reverse());

    for (const sort of ["name", "-name", "createdAt", "-createdAt", "updatedAt"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      assert.equal(seen.length, 9, `sort=${sort}`);
      assert.equal(new Set(seen).size, 9, `sort=${sort} repeats nothing`);
      assert.equal(pages, 3);
    }
  });

  it("uses 50 as the default page size", async () => {
    for (let i = 0; i < 45; i += 1) {
      await post({
        environmentId: otherEnvId,
        kind: "s3_bucket",
        name: `bucket-${String(i).padStart(2, "0")}`,
        cloudId: `b-${i}`,
      });
    }
    const page = await list("");
    assert.equal(page.items.length, 50);
    assert.ok(page.nextCursor);
    const rest = await list(`cursor=${page.nextCursor}`);
    assert.equal(rest.items.length, 4);
    assert.equal(rest.nextCursor, null);
  });

  it("updates with If-Match, bumps the version and audits before and after", async () => {
    const current = await t.app.inject({ method: "GET", url: `/v1/resources/${groupId}`, headers: t.auth("viewer") });
    const etag = current.headers.etag as string;
    const updated = await t.app.inject({
      method: "PATCH",
      url: `/v1/resources/${groupId}`,
      headers: { ...t.auth("operator"), "if-match": etag },
      payload: { capacity: { minSize: 2, maxSize: 8, desiredCapacity: 4 } },
    });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().version, current.json().version + 1);
    assert.equal(updated.headers.etag, `"${current.json().version + 1}"`);

    const stale = await t.app.inject({
      method: "PATCH",
      url: `/v1/resources/${groupId}`,
      headers: { ...t.auth("operator"), "if-match": etag },
      payload: { capacity: { minSize: 2, maxSize: 8, desiredCapacity: 3 } },
    });
    assert.equal(stale.statusCode, 412);

    const audit = await t.app.inject({
      method: "GET",
      url: `/v1/audit-events?targetId=${groupId}&action=resource.update`,
      headers: t.auth("viewer"),
    });
    const [event] = audit.json().items;
    assert.deepEqual(event.before.capacity, { minSize: 2, maxSize: 6, desiredCapacity: 2 });
    assert.deepEqual(event.after.capacity, { minSize: 2, maxSize: 8, desiredCapacity: 4 });
  });

  it("lets exactly one of two concurrent updates with the same If-Match win", async () => {
    const current = await t.app.inject({ method: "GET", url: `/v1/resources/${groupId}`, headers: t.auth("viewer") });
    const etag = current.headers.etag as string;
    const attempt = (desired: number) =>
      t.app.inject({
        method: "PATCH",
        url: `/v1/resources/${groupId}`,
        headers: { ...t.auth("operator"), "if-match": etag },
        payload: { capacity: { minSize: 2, maxSize: 8, desiredCapacity: desired } },
      });
    const statuses = (await Promise.all([attempt(5), attempt(6)])).map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 412]);
  });

  it("refuses an update that breaks the kind's rules and changes nothing", async () => {
    const before = await t.app.inject({ method: "GET", url: `/v1/resources/${groupId}`, headers: t.auth("viewer") });
    const refused = await t.app.inject({
      method: "PATCH",
      url: `/v1/resources/${groupId}`,
      headers: t.auth("operator"),
      payload: { capacity: { minSize: 2, maxSize: 8, desiredCapacity: 9 } },
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().errors[0].field, "/capacity/desiredCapacity");
    const afterwards = await t.app.inject({
      method: "GET",
      url: `/v1/resources/${groupId}`,
      headers: t.auth("viewer"),
    });
    assert.deepEqual(afterwards.json(), before.json());
  });

  it("refuses a parent from another environment, a duplicate cloud id and an unknown environment", async () => {
    const foreignParent = await post({
      environmentId: otherEnvId,
      kind: "instance",
      name: "x",
      cloudId: "i-x",
      parentId: groupId,
    });
    assert.equal(foreignParent.statusCode, 409);
    assert.equal(foreignParent.json().code, "parent_invalid");
    const duplicate = await post({ environmentId: envId, kind: "instance", name: "again", cloudId: "i-1" });
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.json().code, "already_exists");
    const unknownEnv = await post({
      environmentId: "00000000-0000-4000-8000-000000000000",
      kind: "s3_bucket",
      name: "b",
      cloudId: "b",
    });
    assert.equal(unknownEnv.statusCode, 404);
  });

  it("deletes a resource, audits it, and 404s afterwards", async () => {
    const created = (
      await post({ environmentId: envId, kind: "dns_record", name: "gone.example", cloudId: "gone" })
    ).json();
    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/v1/resources/${created.id}`,
      headers: t.auth("operator"),
    });
    assert.equal(deleted.statusCode, 204);
    const get = await t.app.inject({ method: "GET", url: `/v1/resources/${created.id}`, headers: t.auth("viewer") });
    assert.equal(get.statusCode, 404);
    const audit = await t.app.inject({
      method: "GET",
      url: `/v1/audit-events?targetId=${created.id}`,
      headers: t.auth("viewer"),
    });
    assert.deepEqual(
      audit.json().items.map((e: { action: string }) => e.action),
      ["resource.delete", "resource.create"],
    );
  });
});
