import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPrismaApiKeyStore } from "@fastier/db";
import type { LightMyRequestResponse } from "fastify";
import { createKey, createTestApp, type TestApp } from "./helpers/testApp.ts";

// Small limits so that a test reaches them; each test uses its own keys and addresses,
// so that the counts of one test never spill into another.
const PER_KEY = 3;
const PER_ADDRESS = 2;

function assertLimitHeaders(response: LightMyRequestResponse, limit: number, remaining: number) {
  assert.equal(response.headers["x-ratelimit-limit"], String(limit));
  assert.equal(response.headers["x-ratelimit-remaining"], String(remaining));
  const reset = Number(response.headers["x-ratelimit-reset"]);
  assert.ok(reset >= 1 && reset <= 60, `x-ratelimit-reset is ${response.headers["x-ratelimit-reset"]}`);
}

function assertRateLimited(response: LightMyRequestResponse, limit: number, limitedBy: "api_key" | "address") {
  assert.equal(response.statusCode, 429, response.body);
  assert.match(String(response.headers["content-type"]), /^application\/problem\+json/);
  const retryAfter = Number(response.headers["retry-after"]);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after is ${retryAfter}`);
  assertLimitHeaders(response, limit, 0);
  const problem = response.json();
  assert.equal(problem.status, 429);
  assert.equal(problem.code, "rate_limited");
  assert.equal(problem.type, "urn:fastier:problem:rate_limited");
  assert.equal(problem.limitedBy, limitedBy);
  assert.equal(problem.limit, limit);
  assert.equal(problem.retryAfterSeconds, retryAfter);
  assert.match(problem.detail, new RegExp(`${limit} requests a minute; retry in ${retryAfter} s`));
}

describe("rate limits", () => {
  let t: TestApp;
  let nextAddress = 1;
  /** A client address no other test has used. */
  const freshAddress = () => `198.51.100.${nextAddress++}`;
  const freshKey = async (role: "viewer" | "operator" = "viewer") =>
    (await createKey(createPrismaApiKeyStore(t.db.prisma), role, `${role}-${nextAddress++}`)).key;
  const get = (url: string, key: string | null, remoteAddress = "127.0.0.1") =>
    t.app.inject({
      method: "GET",
      url,
      remoteAddress,
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    });

  before(async () => {
    t = await createTestApp({ rateLimit: { perKeyPerMinute: PER_KEY, perAddressPerMinute: PER_ADDRESS } });
  });
  after(() => t.close());

  it("answers 429 problem+json with Retry-After once a key has made its requests", async () => {
    const key = await freshKey();
    for (let made = 1; made <= PER_KEY; made += 1) {
      const response = await get("/v1/environments", key);
      assert.equal(response.statusCode, 200, response.body);
      assertLimitHeaders(response, PER_KEY, PER_KEY - made);
    }
    assertRateLimited(await get("/v1/environments", key), PER_KEY, "api_key");
    // Refused requests are still counted: the key stays refused.
    assertRateLimited(await get("/v1/resources", key), PER_KEY, "api_key");
  });

  it("counts each key separately, wherever it calls from", async () => {
    const first = await freshKey();
    const second = await freshKey();
    const address = freshAddress();
    for (let made = 0; made < PER_KEY; made += 1) await get("/v1/environments", first, address);
    assertRateLimited(await get("/v1/environments", first, address), PER_KEY, "api_key");
    const other = await get("/v1/environments", second, address);
    assert.equal(other.statusCode, 200);
    assertLimitHeaders(other, PER_KEY, PER_KEY - 1);
    // The key's requests do not use up its address's allowance for requests without a key.
    const docs = await get("/openapi.json", null, address);
    assert.equal(docs.statusCode, 200);
    assertLimitHeaders(docs, PER_ADDRESS, PER_ADDRESS - 1);
  });

  it("limits requests without a valid key per address, then refuses the address before looking keys up", async () => {
    const address = freshAddress();
    const missing = await get("/v1/environments", null, address);
    assert.equal(missing.statusCode, 401);
    assertLimitHeaders(missing, PER_ADDRESS, 1);
    const unknown = await get("/v1/environments", "fcp_not_a_real_key", address);
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().code, "invalid_api_key");
    assertLimitHeaders(unknown, PER_ADDRESS, 0);

    assertRateLimited(await get("/v1/environments", "fcp_another_made_up_key", address), PER_ADDRESS, "address");
    assertRateLimited(await get("/openapi.json", null, address), PER_ADDRESS, "address");
    // Refused before auth, so a valid key from that address waits too (documented).
    assertRateLimited(await get("/v1/environments", await freshKey(), address), PER_ADDRESS, "address");

    const elsewhere = await get("/v1/environments", "fcp_not_a_real_key", freshAddress());
    assert.equal(elsewhere.statusCode, 401);
    assertLimitHeaders(elsewhere, PER_ADDRESS, 1);
  });

  it("never limits the probes", async () => {
    const address = freshAddress();
    for (let made = 0; made < PER_ADDRESS; made += 1) await get("/openapi.json", null, address);
    assertRateLimited(await get("/openapi.json", null, address), PER_ADDRESS, "address");
    for (let round = 0; round < PER_ADDRESS + 3; round += 1) {
      for (const url of ["/healthz", "/readyz", "/metrics"]) {
        const response = await get(url, null, address);
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        assert.equal(response.headers["x-ratelimit-limit"], undefined, url);
      }
    }
  });

  it("changes nothing when it refuses a request", async () => {
    const operator = await freshKey("operator");
    const create = (name: string) =>
      t.app.inject({
        method: "POST",
        url: "/v1/environments",
        headers: { authorization: `Bearer ${operator}` },
        payload: { name, region: "us-east-1" },
      });
    for (let made = 1; made <= PER_KEY; made += 1) {
      const response = await create(`limited-${made}`);
      assert.equal(response.statusCode, 201, response.body);
    }
    assertRateLimited(await create("limited-refused"), PER_KEY, "api_key");

    const { rows } = await t.db.pool.query<{ name: string }>(
      "SELECT name FROM environments WHERE name LIKE 'limited-%' ORDER BY name",
    );
    assert.deepEqual(
      rows.map((row) => row.name),
      ["limited-1", "limited-2", "limited-3"],
    );
    const audited = await t.db.pool.query("SELECT 1 FROM audit_events WHERE after->>'name' = 'limited-refused'");
    assert.equal(audited.rowCount, 0);
  });
});

describe("rate limits turned off", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ rateLimit: { perKeyPerMinute: 0, perAddressPerMinute: 0 } });
  });
  after(() => t.close());

  it("answers without limit headers and never 429", async () => {
    for (let made = 0; made < 10; made += 1) {
      for (const headers of [t.auth("viewer"), {}]) {
        const response = await t.app.inject({ method: "GET", url: "/v1/environments", headers });
        assert.notEqual(response.statusCode, 429);
        assert.equal(response.headers["x-ratelimit-limit"], undefined);
      }
    }
  });
});
