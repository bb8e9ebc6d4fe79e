import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type components, createFastierClient, type FastierClient, type paths } from "@fastier/client";
import request from "supertest";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

type Resource = components["schemas"]["Resource"];
type NewResourceBody = paths["/v1/resources"]["post"]["requestBody"]["content"]["application/json"];

/** Names of plain lower-case letters sort the same in PostgreSQL's collation and in JavaScript. */
const RESOURCE_INPUTS: Omit<NewResourceBody, "environmentId">[] = [
  {
    kind: "auto_scaling_group",
    name: "webfleet",
    cloudId: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:web",
    instanceType: "t3.large",
    capacity: { minSize: 2, maxSize: 6, desiredCapacity: 3 },
    tags: { tier: "web", team: "edge" },
  },
  {
    kind: "db_instance",
    name: "maindb",
    cloudId: "arn:aws:rds:us-east-1:123456789012:db:main",
    instanceType: "db.r6g.large",
    database: {
      role: "primary",
      engine: "postgres",
      engineVersion: "16.4",
      sourceDbIdentifier: null,
      multiAz: true,
      backupRetentionDays: 7,
      earliestRestorableTime: null,
      latestRestorableTime: null,
    },
    tags: { tier: "data" },
  },
  {
    kind: "load_balancer",
    name: "webalb",
    cloudId: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
    tags: { tier: "web" },
  },
  { kind: "instance", name: "bastion", cloudId: "i-0123456789abcdef0", instanceType: "t3.micro" },
  { kind: "s3_bucket", name: "assets", cloudId: "arn:aws:s3:::fastier-assets", tags: { team: "edge" } },
];

describe("end to end through the generated client", () => {
  let t: TestApp;
  let baseUrl: string;
  let operator: FastierClient;
  let admin: FastierClient;
  let environmentId: string;
  const created = new Map<string, Resource>();

  before(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = t.app.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    operator = createFastierClient({ baseUrl, apiKey: t.keys.operator });
    admin = createFastierClient({ baseUrl, apiKey: t.keys.admin });
  });
  after(() => t.close());

  it("creates an environment", async () => {
    const { data, error, response } = await operator.POST("/v1/environments", {
      body: { name: "e2e", region: "us-east-1", description: "end-to-end test", tags: { owner: "qa" } },
    });
    assert.equal(response.status, 201, JSON.stringify(error));
    assert.ok(data);
    assert.equal(data.name, "e2e");
    assert.equal(data.version, 1);
    environmentId = data.id;
  });

  it("adds resources of several kinds", async () => {
    for (const input of RESOURCE_INPUTS) {
      const { data, error, response } = await operator.POST("/v1/resources", {
        body: { ...input, environmentId },
      });
      assert.equal(response.status, 201, `${input.name}: ${JSON.stringify(error)}`);
      assert.ok(data);
      assert.equal(data.kind, input.kind);
      assert.equal(data.environmentId, environmentId);
      created.set(data.name, data);
    }
    assert.deepEqual(created.get("webfleet")?.capacity, { minSize: 2, maxSize: 6, desiredCapacity: 3 });
    assert.equal(created.get("maindb")?.database?.multiAz, true);
    assert.equal(created.get("maindb")?.database?.backupRetentionDays, 7);
  });

  it("filters the list by kind, name prefix and tag", async () => {
    const names = async (query: { kind?: Resource["kind"]; namePrefix?: string; tag?: string }) => {
      const { data, error } = await operator.GET("/v1/resources", { params: { query: { environmentId, ...query } } });
      assert.ok(data, JSON.stringify(error));
      return data.items.map((item) => item.name);
    };
    assert.deepEqual(await names({ kind: "db_instance" }), ["maindb"]);
    assert.deepEqual(await names({ namePrefix: "web" }), ["webalb", "webfleet"]);
    assert.deepEqual(await names({ tag: "tier=web" }), ["webalb", "webfleet"]);
    assert.deepEqual(await names({ tag: "team" }), ["assets", "webfleet"]);
    assert.deepEqual(await names({ kind: "load_balancer", tag: "tier=data" }), []);
  });

  it("pages through every resource exactly once, in name order", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { data, error } = await operator.GET("/v1/resources", {
        params: { query: { environmentId, limit: 2, ...(cursor && { cursor }) } },
      });
      assert.ok(data, JSON.stringify(error));
      assert.ok(data.items.length <= 2);
      seen.push(...data.items.map((item) => item.name));
      cursor = data.nextCursor ?? undefined;
      pages += 1;
      assert.ok(pages <= RESOURCE_INPUTS.length, "pagination does not end");
    } while (cursor);
    const expected = RESOURCE_INPUTS.map((input) => input.name).sort();
    assert.deepEqual(seen, expected);
    assert.equal(pages, Math.ceil(expected.length / 2));
  });

  it("updates with If-Match and refuses the same stale ETag afterwards", async () => {
    const id = created.get("webfleet")!.id;
    const fetched = await operator.GET("/v1/resources/{id}", { params: { path: { id } } });
    const etag = fetched.response.headers.get("etag");
    assert.equal(etag, '"1"');

    const capacity = { minSize: 2, maxSize: 8, desiredCapacity: 4 };
    const updated = await operator.PATCH("/v1/resources/{id}", {
      params: { path: { id }, header: { "if-match": etag! } },
      body: { capacity },
    });
    assert.equal(updated.response.status, 200, JSON.stringify(updated.error));
    assert.equal(updated.data?.version, 2);
    assert.deepEqual(updated.data?.capacity, capacity);
    assert.equal(updated.response.headers.get("etag"), '"2"');

    const stale = await operator.PATCH("/v1/resources/{id}", {
      params: { path: { id }, header: { "if-match": etag! } },
      body: { capacity: { minSize: 1, maxSize: 8, desiredCapacity: 1 } },
    });
    assert.equal(stale.response.status, 412);
    assert.match(stale.response.headers.get("content-type") ?? "", /^application\/problem\+json/);
    assert.equal(stale.error?.code, "version_mismatch");
    assert.equal(stale.data, undefined);

    const after = await operator.GET("/v1/resources/{id}", { params: { path: { id } } });
    assert.deepEqual(after.data?.capacity, capacity, "the refused change must not be applied");
  });

  it("records create and update in the audit trail with the operator as actor", async () => {
    const id = created.get("webfleet")!.id;
    const { data, error } = await admin.GET("/v1/audit-events", { params: { query: { targetId: id } } });
    assert.ok(data, JSON.stringify(error));
    // Newest first, and the refused update left no event.
    assert.deepEqual(
      data.items.map((event) => event.action),
      ["resource.update", "resource.create"],
    );
    const [update, create] = data.items;
    for (const event of [update!, create!]) {
      assert.equal(event.actorName, "operator");
      assert.equal(event.actorKeyId, t.keyIds.operator);
      assert.equal(event.targetType, "resource");
    }
    assert.equal(create!.before, null);
    assert.equal((create!.after as Resource).version, 1);
    assert.equal((update!.before as Resource).version, 1);
    assert.deepEqual((update!.before as Resource).capacity, { minSize: 2, maxSize: 6, desiredCapacity: 3 });
    assert.equal((update!.after as Resource).version, 2);
    assert.deepEqual((update!.after as Resource).capacity, { minSize: 2, maxSize: 8, desiredCapacity: 4 });
  });

  it("answers an unknown route over HTTP with problem+json", async () => {
    const response = await request(baseUrl).get("/v1/no-such-route").set("authorization", `Bearer ${t.keys.viewer}`);
    assert.equal(response.status, 404);
    assert.match(response.headers["content-type"] ?? "", /^application\/problem\+json/);
    assert.equal(response.body.code, "route_not_found");
  });
});
