import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import request, { type Response } from "supertest";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

/** What a bad request must answer: a 4xx problem, and the field problems it names. */
interface Expected {
  status: number;
  code?: string;
  errors?: { field: string; rule: string; in?: string }[];
}

interface Case extends Expected {
  name: string;
  send(): Promise<Response>;
}

const PROBLEM_JSON = /^application\/problem\+json/;

describe("bad input is refused with problem+json and writes nothing", () => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  let operator: { authorization: string };
  let environmentId: string;
  let resourceId: string;
  let nameSortedCursor: string;

  before(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = t.app.server.address() as AddressInfo;
    api = request(`http://127.0.0.1:${port}`);
    operator = t.auth("operator");

    const environment = await api
      .post("/v1/environments")
      .set(operator)
      .send({ name: "bad-input", region: "eu-west-1" })
      .expect(201);
    environmentId = environment.body.id;
    for (const name of ["lb-a", "lb-b"]) {
      const resource = await api
        .post("/v1/resources")
        .set(operator)
        .send({ environmentId, kind: "load_balancer", name, cloudId: `arn:aws:elb:${name}` })
        .expect(201);
      resourceId = resource.body.id;
    }
    const page = await api.get("/v1/resources?sort=name&limit=1").set(operator).expect(200);
    nameSortedCursor = page.body.nextCursor;
    assert.equal(typeof nameSortedCursor, "string");
  });
  after(() => t.close());

  async function rowCounts() {
    const { prisma } = t.db;
    const [environments, resources, auditEvents] = await Promise.all([
      prisma.environment.count(),
      prisma.resource.count(),
      prisma.auditEvent.count(),
    ]);
    return { environments, resources, auditEvents };
  }

  function assertProblem(response: Response, expected: Expected) {
    assert.equal(response.status, expected.status, response.text);
    assert.match(response.headers["content-type"] ?? "", PROBLEM_JSON);
    const body = response.body;
    assert.equal(body.status, expected.status);
    assert.equal(typeof body.code, "string");
    assert.equal(typeof body.detail, "string");
    assert.ok(body.detail.length > 0, "detail is empty");
    if (expected.code) assert.equal(body.code, expected.code);
    for (const { field, rule, in: where } of expected.errors ?? []) {
      assert.ok(Array.isArray(body.errors), `no errors[] in ${response.text}`);
      assert.ok(
        body.errors.some(
          (e: { field: string; rule: string; in: string }) =>
            e.field === field && e.rule === rule && (where === undefined || e.in === where),
        ),
        `expected an error on ${field} for rule ${rule}, got ${JSON.stringify(body.errors)}`,
      );
    }
  }

  const post = (url: string, body: unknown) =>
    api
      .post(url)
      .set(operator)
      .send(body as object);
  const newEnvironment = (fields: Record<string, unknown>) =>
    post("/v1/environments", { name: "fresh-env", region: "us-east-1", ...fields });
  const newResource = (fields: Record<string, unknown>) =>
    post("/v1/resources", { environmentId, name: "new-one", cloudId: "arn:aws:new-one", ...fields });

  const cases: Case[] = [
    {
      name: "malformed JSON",
      status: 400,
      code: "malformed_json",
      send: () => api.post("/v1/environments").set(operator).type("json").send('{"name": "x", '),
    },
    {
      name: "an empty body sent as application/json",
      status: 400,
      code: "empty_body",
      send: () => api.post("/v1/environments").set(operator).set("content-type", "application/json"),
    },
    {
      name: "a number where a string belongs",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/region", rule: "type" }],
      send: () => newEnvironment({ region: 5 }),
    },
    {
      name: "an unknown property",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/colour", rule: "additionalProperties" }],
      send: () => newEnvironment({ colour: "blue" }),
    },
    {
      name: "an over-long name",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/name", rule: "maxLength" }],
      send: () => newEnvironment({ name: "a".repeat(300) }),
    },
    {
      name: "a name that breaks the pattern",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/name", rule: "pattern" }],
      send: () => newEnvironment({ name: "Bad Name" }),
    },
    {
      name: "a missing required field",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/region", rule: "required" }],
      send: () => post("/v1/environments", { name: "no-region" }),
    },
    {
      name: "a body over 128 KiB",
      status: 413,
      code: "body_too_large",
      send: () => newEnvironment({ description: "x".repeat(129 * 1024) }),
    },
    {
      name: "a POST body without a content-type",
      status: 415,
      code: "unsupported_media_type",
      send: () =>
        api
          .post("/v1/environments")
          .set(operator)
          .send(Buffer.from(JSON.stringify({ name: "no-type", region: "us-east-1" }))),
    },
    {
      name: "a POST body as text/plain",
      status: 415,
      code: "unsupported_media_type",
      send: () =>
        api
          .post("/v1/environments")
          .set(operator)
          .set("content-type", "text/plain")
          .send(JSON.stringify({ name: "plain-text", region: "us-east-1" })),
    },
    {
      name: "a cursor this API never issued",
      status: 400,
      code: "invalid_cursor",
      errors: [{ field: "/cursor", rule: "cursor" }],
      send: () => api.get("/v1/resources?cursor=notacursor").set(operator),
    },
    {
      name: "a cursor issued for another sort",
      status: 400,
      code: "invalid_cursor",
      errors: [{ field: "/cursor", rule: "cursor" }],
      send: () => api.get("/v1/resources").query({ sort: "-createdAt", cursor: nameSortedCursor }).set(operator),
    },
    {
      name: "an id that is not a UUID",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/id", rule: "format" }],
      send: () => api.get("/v1/resources/not-a-uuid").set(operator),
    },
    {
      name: "limit=0",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/limit", rule: "minimum" }],
      send: () => api.get("/v1/resources?limit=0").set(operator),
    },
    {
      name: "limit=201",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/limit", rule: "maximum" }],
      send: () => api.get("/v1/resources?limit=201").set(operator),
    },
    {
      name: "an unknown query parameter",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/colour", rule: "additionalProperties" }],
      send: () => api.get("/v1/resources?colour=red").set(operator),
    },
    {
      name: "a kind that is not in the enum",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/kind", rule: "enum" }],
      send: () => api.get("/v1/resources?kind=spaceship").set(operator),
    },
    {
      name: "an If-Match that is not an ETag",
      status: 400,
      code: "invalid_if_match",
      errors: [{ field: "/if-match", rule: "etag" }],
      send: () =>
        api.patch(`/v1/resources/${resourceId}`).set(operator).set("if-match", "nonsense").send({ name: "renamed" }),
    },
    {
      name: "an Auto Scaling group whose minSize is above its maxSize",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/capacity/minSize", rule: "range" }],
      send: () => newResource({ kind: "auto_scaling_group", capacity: { minSize: 5, maxSize: 2, desiredCapacity: 3 } }),
    },
    {
      name: "a load balancer with capacity",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/capacity", rule: "kind" }],
      send: () => newResource({ kind: "load_balancer", capacity: { minSize: 1, maxSize: 2, desiredCapacity: 1 } }),
    },
    {
      name: "a NUL character in a string",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/description", rule: "characters", in: "body" }],
      send: () => newEnvironment({ description: "a\u0000b" }),
    },
    {
      name: "an unpaired surrogate in a string",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/description", rule: "characters" }],
      send: () =>
        api
          .post("/v1/environments")
          .set(operator)
          .type("json")
          .send('{"name":"lone","region":"us-east-1","description":"\\ud800"}'),
    },
    {
      name: "a NUL character in a property name",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/attributes/k\u0000", rule: "characters" }],
      send: () => newResource({ kind: "load_balancer", attributes: { "k\u0000": 1 } }),
    },
    {
      name: "JSON nested deeper than 32 levels",
      status: 400,
      code: "validation_failed",
      errors: [{ field: `/attributes/deep${"/0".repeat(30)}`, rule: "maxDepth" }],
      send: () =>
        newResource({ kind: "load_balancer", attributes: { deep: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) } }),
    },
    {
      name: "a NUL character in a query parameter",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/namePrefix", rule: "characters", in: "querystring" }],
      send: () => api.get("/v1/resources?namePrefix=%00").set(operator),
    },
    {
      name: "a forged cursor whose id is not a UUID",
      status: 400,
      code: "invalid_cursor",
      errors: [{ field: "/cursor", rule: "cursor" }],
      send: () =>
        api
          .get("/v1/resources")
          .query({ cursor: cursorOf(["name", "lb-a", "not-a-uuid"]) })
          .set(operator),
    },
    {
      name: "a forged cursor whose time is not a time",
      status: 400,
      code: "invalid_cursor",
      errors: [{ field: "/cursor", rule: "cursor" }],
      send: () =>
        api
          .get("/v1/resources")
          .query({ sort: "-createdAt", cursor: cursorOf(["-createdAt", "yesterday", resourceId]) })
          .set(operator),
    },
    {
      name: "a forged audit cursor beyond the largest event id",
      status: 400,
      code: "invalid_cursor",
      errors: [{ field: "/cursor", rule: "cursor" }],
      send: () =>
        api
          .get("/v1/audit-events")
          .query({ cursor: cursorOf(["-id", null, "9999999999999999999"]) })
          .set(operator),
    },
    {
      name: "a cloudId of more than 2048 bytes in UTF-8",
      status: 400,
      code: "validation_failed",
      errors: [{ field: "/cloudId", rule: "maxBytes" }],
      send: () => newResource({ kind: "s3_bucket", cloudId: randomCjk(2048) }),
    },
    {
      name: "an unknown route",
      status: 404,
      code: "route_not_found",
      send: () => api.get("/v1/spaceships").set(operator),
    },
  ];

  for (const testCase of cases) {
    it(`refuses ${testCase.name} (${testCase.status}${testCase.code ? ` ${testCase.code}` : ""})`, async () => {
      const before = await rowCounts();
      const response = await testCase.send();
      assertProblem(response, testCase);
      assert.deepEqual(await rowCounts(), before);
    });
  }

  it("refuses a method the route does not have with a 4xx problem", async () => {
    const before = await rowCounts();
    const response = await api.put("/v1/environments").set(operator).send({ name: "put-env", region: "us-east-1" });
    assert.ok([404, 405].includes(response.status), `got ${response.status}`);
    assertProblem(response, { status: response.status });
    assert.deepEqual(await rowCounts(), before);
  });

  it("replaces an over-long x-request-id instead of failing to store it", async () => {
    const response = await newEnvironment({ name: "long-request-id" }).set("x-request-id", "r".repeat(300));
    assert.equal(response.status, 201, response.text);
    const requestId = response.headers["x-request-id"] ?? "";
    assert.match(requestId, /^[0-9a-f-]{36}$/);
    const event = await t.db.prisma.auditEvent.findFirst({ where: { targetId: response.body.id } });
    assert.equal(event?.requestId, requestId);
  });

  it("never answers 5xx to hostile input", async () => {
    const deepArray = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const deepObject = `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`;
    const bodies: [string, string, string][] = [
      ["POST", "/v1/environments", deepArray],
      ["POST", "/v1/environments", deepObject],
      ["POST", "/v1/resources", `{"environmentId":"${"0".repeat(8)}","attributes":{"deep":${deepArray}}}`],
      ["POST", "/v1/environments", '{"name":"huge","region":"us-east-1","tags":{"n":1e400}}'],
      ["POST", "/v1/environments", '{"name":"big-number","region":99999999999999999999999999999}'],
      ["POST", "/v1/environments", JSON.stringify({ name: "nul", region: "us-east-1", description: "a\u0000b" })],
      ["POST", "/v1/environments", JSON.stringify({ name: "nul", region: "us-east-1", tags: { "k\u0000": "v" } })],
      ["POST", "/v1/environments", JSON.stringify({ name: "nul", region: "us-east-1", tags: { k: "v\u0000" } })],
      ["POST", "/v1/environments", '{"name":"lone","region":"us-east-1","description":"\\ud800"}'],
      ["POST", "/v1/environments", JSON.stringify({ name: "emoji", region: "us-east-1", description: "🦄💥\u202e" })],
      ["POST", "/v1/environments", "[]"],
      ["POST", "/v1/environments", "null"],
      ["POST", "/v1/environments", '"a string"'],
      ["POST", "/v1/environments", JSON.stringify({ name: ["a"], region: { r: 1 }, tags: [] })],
      ["POST", "/v1/environments", '{"__proto__":{"admin":true},"name":"proto","region":"us-east-1"}'],
      ["POST", "/v1/environments", '{"constructor":{"prototype":{"x":1}},"name":"ctor","region":"us-east-1"}'],
      ["PATCH", "/v1/environments/00000000-0000-0000-0000-000000000000", "{}"],
      ["PATCH", "/v1/environments/00000000-0000-0000-0000-000000000000", '{"name":"x","name":"y"}'],
    ];
    const resourceBodies = [
      { kind: "load_balancer", attributes: { deep: JSON.parse(`${"[".repeat(2_000)}${"]".repeat(2_000)}`) } },
      { kind: "load_balancer", attributes: { note: "nul\u0000byte" } },
      { kind: "load_balancer", attributes: { "nul\u0000key": 1 } },
      { kind: "load_balancer", name: "nul\u0000name" },
      { kind: "load_balancer", cloudId: "arn:\u0000" },
      { kind: "load_balancer", tags: { env: "\u0000" } },
      { kind: "load_balancer", availabilityZones: ["eu-west-1a", "eu-west-1a"] },
      { kind: "auto_scaling_group", capacity: { minSize: 1e308, maxSize: 1e308, desiredCapacity: 1e308 } },
      { kind: "auto_scaling_group", capacity: [1, 2, 3] },
      { kind: "db_instance", database: { role: "primary", multiAz: true, backupRetentionDays: 7, engine: "\u0000" } },
      {
        kind: "db_instance",
        database: { role: "primary", multiAz: true, backupRetentionDays: 7, earliestRestorableTime: "not-a-date" },
      },
      {
        kind: "db_instance",
        database: { role: "primary", multiAz: true, backupRetentionDays: 7, latestRestorableTime: "+275760-09-14" },
      },
      { kind: "pipeline", pipeline: { stages: ["a", "a"] } },
      { kind: "load_balancer", parentId: "00000000-0000-0000-0000-000000000000" },
      { kind: "load_balancer", environmentId: "00000000-0000-0000-0000-000000000000" },
    ];
    const queries = [
      "/v1/resources?limit=99999999999999999999999",
      "/v1/resources?limit=1.5",
      "/v1/resources?limit=1&limit=2",
      "/v1/resources?namePrefix=%00",
      "/v1/resources?namePrefix=%F0%9F%A6%84",
      "/v1/resources?namePrefix=%ff%fe",
      "/v1/resources?tag=%00=%00",
      "/v1/resources?tag=a=b=c",
      "/v1/resources?environmentId=00000000-0000-0000-0000-00000000000g",
      `/v1/resources?cursor=${"A".repeat(1024)}`,
      `/v1/resources?cursor=${cursorOf(["name", "x", "not-a-uuid"])}`,
      `/v1/resources?sort=-createdAt&cursor=${cursorOf(["-createdAt", "yesterday", "00000000-0000-0000-0000-000000000000"])}`,
      `/v1/resources?sort=createdAt&cursor=${cursorOf(["createdAt", 1e308, "00000000-0000-0000-0000-000000000000"])}`,
      `/v1/resources?cursor=${cursorOf(["name", null, "00000000-0000-0000-0000-000000000000"])}`,
      `/v1/environments?cursor=${cursorOf(["name", 42, "00000000-0000-0000-0000-000000000000"])}`,
      `/v1/environments?cursor=${cursorOf(["name", "a\u0000", "00000000-0000-0000-0000-000000000000"])}`,
      `/v1/audit-events?cursor=${cursorOf(["-id", null, "99999999999999999999"])}`,
      `/v1/audit-events?cursor=${cursorOf(["-id", null, "9999999999999999999"])}`,
      `/v1/audit-events?actorKeyId=${"f".repeat(8)}-ffff-ffff-ffff-${"f".repeat(12)}&from=0001-01-01T00:00:00Z`,
      "/v1/audit-events?from=2024-13-45T99:99:99Z",
      "/v1/audit-events?targetId=%00",
      "/v1/resources/%00",
      `/v1/resources/${"a".repeat(5000)}`,
    ];
    const answered: string[] = [];
    const failures: string[] = [];
    const check = (what: string, response: Response) => {
      answered.push(what);
      if (response.status >= 500 || (response.status >= 300 && response.status < 400)) {
        failures.push(`${response.status} for ${what.slice(0, 160)}`);
      }
    };

    for (const [method, url, body] of bodies) {
      const send = method === "POST" ? api.post(url) : api.patch(url);
      check(`${method} ${url} ${body}`, await send.set(operator).type("json").send(body));
    }
    for (const fields of resourceBodies) {
      check(`POST /v1/resources ${JSON.stringify(fields)}`, await newResource(fields));
    }
    for (const url of queries) check(`GET ${url}`, await api.get(url).set(operator));
    const others: [string, () => Promise<Response>][] = [
      [
        "an If-Match of 30 digits",
        () =>
          api
            .patch(`/v1/resources/${resourceId}`)
            .set(operator)
            .set("if-match", `"${"9".repeat(30)}"`)
            .send({}),
      ],
      [
        "an over-long x-request-id on a write",
        () => newEnvironment({ name: "long-id" }).set("x-request-id", "r".repeat(300)),
      ],
      ["a cloudId of 2048 random CJK characters", () => newResource({ kind: "s3_bucket", cloudId: randomCjk(2048) })],
    ];
    for (const [what, send] of others) check(what, await send());
    assert.equal(answered.length, bodies.length + resourceBodies.length + queries.length + others.length);
    assert.deepEqual(failures, []);
  });
});

function randomCjk(length: number): string {
  return Array.from({ length }, () => String.fromCodePoint(0x4e00 + randomInt(0x5000))).join("");
}

function cursorOf(position: unknown[]): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}
