import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CloudError } from "@fastier/core";
import Fastify from "fastify";
import { installProblemHandlers } from "../apps/api/src/plugins/problems.ts";

describe("cloud errors at the HTTP edge", () => {
  const answer = async (error: CloudError) => {
    const app = Fastify({ logger: false });
    installProblemHandlers(app);
    app.get("/boom", async () => {
      throw error;
    });
    const response = await app.inject({ method: "GET", url: "/boom" });
    await app.close();
    return response;
  };

  it("answers a state error with 409 and the provider's reason and codes", async () => {
    const response = await answer(
      new CloudError("invalid_state", "DB Instance is not a read replica.", {
        providerCode: "InvalidDBInstanceState",
        requestId: "req-123",
        service: "rds",
      }),
    );
    assert.equal(response.statusCode, 409);
    assert.match(response.headers["content-type"] as string, /problem\+json/);
    const body = response.json();
    assert.equal(body.code, "cloud_invalid_state");
    assert.equal(body.detail, "DB Instance is not a read replica.");
    assert.equal(body.providerCode, "InvalidDBInstanceState");
    assert.equal(body.cloudRequestId, "req-123");
    assert.equal(body.retryable, false);
  });

  it("answers throttling with 503 and Retry-After, and maps the other kinds", async () => {
    const throttled = await answer(new CloudError("throttled", "Rate exceeded", { providerCode: "Throttling" }));
    assert.equal(throttled.statusCode, 503);
    assert.equal(throttled.headers["retry-after"], "5");
    assert.equal(throttled.json().retryable, true);
    assert.equal((await answer(new CloudError("not_found", "no such group"))).statusCode, 404);
    assert.equal((await answer(new CloudError("invalid_request", "bad time"))).statusCode, 422);
    assert.equal((await answer(new CloudError("access_denied", "not authorized"))).statusCode, 502);
  });
});
