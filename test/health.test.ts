import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

describe("health, readiness and metrics", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("answers /healthz without a key", async () => {
    const response = await t.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, "ok");
  });

  it("reports the database in /readyz", async () => {
    const response = await t.app.inject({ method: "GET", url: "/readyz" });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().database, "ok");
  });

  it("answers 503 problem+json from /readyz when the database is gone", async () => {
    const other = await createTestApp();
    await other.db.drop();
    const response = await other.app.inject({ method: "GET", url: "/readyz" });
    await other.app.close();
    assert.equal(response.statusCode, 503);
    assert.match(response.headers["content-type"] as string, /application\/problem\+json/);
    assert.equal(response.json().code, "database_unavailable");
  });

  it("counts requests by route and exposes pool gauges in /metrics", async () => {
    await t.app.inject({ method: "GET", url: "/v1/environments", headers: t.auth("viewer") });
    const response = await t.app.inject({ method: "GET", url: "/metrics" });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /http_request_duration_seconds_count\{[^}]*route="\/v1\/environments"[^}]*\} 1/);
    assert.match(response.body, /db_pool_connections_total \d+/);
    assert.match(response.body, /process_cpu_user_seconds_total/);
  });

  it("labels request latency by route pattern, method and status, and leaves unknown addresses and /metrics out", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const viewer = t.auth("viewer");
    for (let request = 0; request < 2; request++) {
      await t.app.inject({ method: "GET", url: `/v1/resources/${missing}`, headers: viewer });
    }
    await t.app.inject({ method: "GET", url: `/v1/resources/${missing}` });
    await t.app.inject({ method: "GET", url: "/no/such/route" });
    await t.app.inject({ method: "GET", url: "/metrics" });
    const body = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    const count = (labels: string) => {
      const line = body.split("\n").find((text) => text.startsWith(`http_request_duration_seconds_count{${labels}}`));
      return line ? Number(line.split(" ").at(-1)) : 0;
    };
    assert.equal(
      count('method="GET",route="/v1/resources/:id",status_code="404"'),
      2,
      "two 404s by the route's pattern",
    );
    assert.equal(count('method="GET",route="/v1/resources/:id",status_code="401"'), 1, "the one without a key");
    assert.doesNotMatch(body, /route="\/no\/such\/route"/, "an unknown address is not a route");
    assert.doesNotMatch(body, /route="\/metrics"/, "scrapes are not counted");
    assert.match(body, /http_request_duration_seconds_bucket\{le="0.002",method="GET",route="\/v1\/resources\/:id"/);
  });

  it("echoes a request id and makes one when none is sent", async () => {
    const given = await t.app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "abc-123" } });
    assert.equal(given.headers["x-request-id"], "abc-123");
    const made = await t.app.inject({ method: "GET", url: "/healthz" });
    assert.match(made.headers["x-request-id"] as string, /^[0-9a-f-]{36}$/);
  });
});
