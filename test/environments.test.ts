import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

describe("environments API", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const create = (body: object) =>
    t.app.inject({ method: "POST", url: "/v1/environments", headers: t.auth("operator"), payload: body });

  it("creates an environment with Location and ETag, and audits it", async () => {
    const response = await create({ name: "staging", region: "eu-west-1", tags: { team: "web" } });
    assert.equal(response.statusCode, 201);
    const env = response.json();
    assert.equal(response.headers.location, `/v1/environments/${env.id}`);
    assert.equal(response.headers.etag, '"1"');
    assert.deepEqual(
      { name: env.name, region: env.region, accountId: env.accountId, tags: env.tags },
      {
        name: "staging",
        region: "eu-west-1",
        accountId: null,
        tags: { team: "web" },
      },
    );

    const audit = await t.app.inject({
      method: "GET",
      url: `/v1/audit-events?targetId=${env.id}`,
      headers: t.auth("viewer"),
    });
    const [event] = audit.json().items;
    assert.equal(event.action, "environment.create");
    assert.equal(event.actorName, "operator");
    assert.equal(event.actorKeyId, t.keyIds.operator);
    assert.equal(event.after.name, "staging");
    assert.match(event.requestId, /^[0-9a-f-]{36}$/);
  });

  it("refuses a second environment with the same name", async () => {
    await create({ name: "dup", region: "us-east-1" });
    const again = await create({ name: "dup", region: "us-east-1" });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, "already_exists");
  });

  it("pages through environments by name", async () => {
    for (const name of ["page-a", "page-b", "page-c"]) await create({ name, region: "us-east-1" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page = await t.app.inject({
        method: "GET",
        url: `/v1/environments?limit=2${query}`,
        headers: t.auth("viewer"),
      });
      assert.equal(page.statusCode, 200);
      assert.ok(page.json().items.length <= 2);
      seen.push(...page.json().items.map((e: { name: string }) => e.name));
      cursor = page.json().nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, seen.length);
    for (const name of ["page-a", "page-b", "page-c"]) assert.ok(seen.includes(name));
  });

  it("updates with If-Match and answers 412 to a stale ETag", async () => {
    const env = (await create({ name: "etag-env", region: "us-east-1" })).json();
    const ok = await t.app.inject({
      method: "PATCH",
      url: `/v1/environments/${env.id}`,
      headers: { ...t.auth("operator"), "if-match": '"1"' },
      payload: { description: "changed" },
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers.etag, '"2"');
    assert.equal(ok.json().description, "changed");
    const stale = await t.app.inject({
      method: "PATCH",
      url: `/v1/environments/${env.id}`,
      headers: { ...t.auth("operator"), "if-match": '"1"' },
      payload: { description: "lost update" },
    });
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.json().code, "version_mismatch");
    assert.equal(stale.json().currentVersion, 2);
    const now = await t.app.inject({ method: "GET", url: `/v1/environments/${env.id}`, headers: t.auth("viewer") });
    assert.equal(now.json().description, "changed");
  });

  it("deletes an environment only when it is empty", async () => {
    const env = (await create({ name: "doomed", region: "us-east-1" })).json();
    const resource = await t.app.inject({
      method: "POST",
      url: "/v1/resources",
      headers: t.auth("operator"),
      payload: { environmentId: env.id, kind: "s3_bucket", name: "b", cloudId: "b" },
    });
    assert.equal(resource.statusCode, 201);
    const refused = await t.app.inject({
      method: "DELETE",
      url: `/v1/environments/${env.id}`,
      headers: t.auth("operator"),
    });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, "environment_not_empty");
    assert.equal(refused.json().resources, 1);

    await t.app.inject({ method: "DELETE", url: `/v1/resources/${resource.json().id}`, headers: t.auth("operator") });
    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/v1/environments/${env.id}`,
      headers: t.auth("operator"),
    });
    assert.equal(deleted.statusCode, 204);
    const gone = await t.app.inject({ method: "GET", url: `/v1/environments/${env.id}`, headers: t.auth("viewer") });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().code, "environment_not_found");
  });
});
