import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { ASG_NAME, CloudError, type CloudPort } from "@fastier/core";
import { createOperationStore } from "@fastier/db";
import request from "supertest";
import { reconcilerFor, reconcileToEnd } from "./helpers/reconcile.ts";
import { syncedApp } from "./helpers/syncedApp.ts";
import type { TestApp } from "./helpers/testApp.ts";

interface OperationJson {
  id: string;
  status: string;
  step: string;
  kind: string;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> | null;
  events?: { type: string; message: string; step: string; at: string }[];
}

async function runToEnd(t: TestApp, operationId: string, cloud: CloudPort = t.cloud) {
  await reconcileToEnd(t, operationId, cloud);
  return getOperation(t, operationId);
}

async function getOperation(t: TestApp, id: string): Promise<OperationJson> {
  const response = await t.app.inject({ method: "GET", url: `/v1/operations/${id}`, headers: t.auth("viewer") });
  return response.json();
}

describe("operations: scaling through the API and the reconciler", () => {
  let t: TestApp;
  let groupId: string;
  before(async () => {
    ({ t, groupId } = await syncedApp());
  });
  after(() => t.close());

  const scale = (payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url: `/v1/resources/${groupId}/scale`,
      headers: { ...t.auth("operator"), ...headers },
      payload,
    });

  it("answers a dry run with the plan and records nothing", async () => {
    const response = await scale({ desiredCapacity: 4, dryRun: true });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().plan.changes, [{ field: "desiredCapacity", from: 2, to: 4 }]);
    assert.equal(await t.db.prisma.operation.count(), 0);
  });

  it("refuses capacity outside the limits with the limits, and records nothing", async () => {
    const response = await scale({ desiredCapacity: 9 });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code, "capacity_out_of_limits");
    assert.deepEqual(response.json().limits, { minSize: 2, maxSize: 6, desiredCapacity: 2 });
    assert.equal(response.json().errors[0].field, "/desiredCapacity");
    assert.equal(await t.db.prisma.operation.count(), 0);
  });

  it("refuses the wrong kind of target and a viewer", async () => {
    const instance = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "INSTANCE" } });
    const wrong = await t.app.inject({
      method: "POST",
      url: `/v1/resources/${instance.id}/scale`,
      headers: t.auth("operator"),
      payload: { desiredCapacity: 3 },
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().code, "wrong_target_kind");
    const viewer = await t.app.inject({
      method: "POST",
      url: `/v1/resources/${groupId}/scale`,
      headers: t.auth("viewer"),
      payload: { desiredCapacity: 3 },
    });
    assert.equal(viewer.statusCode, 403);
  });

  it("runs a scale-out to its verified end state and updates the inventory", async () => {
    const accepted = await scale({ desiredCapacity: 4 });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const operation = accepted.json();
    assert.equal(accepted.headers.location, `/v1/operations/${operation.id}`);
    assert.equal(operation.status, "pending");

    const done = await runToEnd(t, operation.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.deepEqual(done.result, { minSize: 2, maxSize: 6, desiredCapacity: 4 });
    const types = done.events?.map((e) => e.type) ?? [];
    assert.deepEqual([types[0], types[1], types.at(-1)], ["created", "started", "succeeded"]);
    const group = await t.app.inject({ method: "GET", url: `/v1/resources/${groupId}`, headers: t.auth("viewer") });
    assert.equal(group.json().capacity.desiredCapacity, 4);
  });

  it("makes exactly one operation of 100 concurrent requests with one Idempotency-Key", async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => scale({ desiredCapacity: 3 }, { "idempotency-key": "scale-to-3" })),
    );
    const statuses = new Set(responses.map((r) => r.statusCode));
    assert.deepEqual([...statuses], [202], responses.find((r) => r.statusCode !== 202)?.body);
    const ids = new Set(responses.map((r) => r.json().id));
    assert.equal(ids.size, 1);
    assert.equal(await t.db.prisma.operation.count({ where: { idempotencyKey: "scale-to-3" } }), 1);
    assert.ok(responses.some((r) => r.headers["idempotent-replayed"] === "true"));

    const reused = await scale({ desiredCapacity: 5 }, { "idempotency-key": "scale-to-3" });
    assert.equal(reused.statusCode, 422);
    assert.equal(reused.json().code, "idempotency_key_reused");
    await runToEnd(t, [...ids][0] as string);
  });

  it("lets one of two different operations on the target in, and answers 409 naming it to the other", async () => {
    const [first, second] = await Promise.all([scale({ desiredCapacity: 4 }), scale({ maxSize: 5 })]);
    const codes = [first?.statusCode, second?.statusCode].sort();
    assert.deepEqual(codes, [202, 409]);
    const accepted = first?.statusCode === 202 ? first : second;
    const refused = first?.statusCode === 409 ? first : second;
    assert.equal(refused?.json().code, "operation_in_progress");
    assert.equal(refused?.json().activeOperationId, accepted?.json().id);
    await runToEnd(t, accepted?.json().id);
  });

  it("cancels a pending operation at once", async () => {
    const accepted = (await scale({ desiredCapacity: 2 })).json();
    const cancelled = await t.app.inject({
      method: "POST",
      url: `/v1/operations/${accepted.id}/cancel`,
      headers: t.auth("operator"),
    });
    assert.equal(cancelled.statusCode, 202);
    assert.equal(cancelled.json().status, "cancelled");
    const again = await t.app.inject({
      method: "POST",
      url: `/v1/operations/${accepted.id}/cancel`,
      headers: t.auth("operator"),
    });
    assert.equal(again.statusCode, 409);
  });

  it("lists operations with filters, newest first", async () => {
    const list = await t.app.inject({
      method: "GET",
      url: `/v1/operations?kind=scale&status=succeeded&targetResourceId=${groupId}&limit=2`,
      headers: t.auth("viewer"),
    });
    assert.equal(list.statusCode, 200);
    const page = list.json();
    assert.equal(page.items.length, 2);
    assert.ok(page.items.every((o: OperationJson) => o.status === "succeeded"));
    assert.ok(page.nextCursor);
    const next = await t.app.inject({
      method: "GET",
      url: `/v1/operations?kind=scale&status=succeeded&targetResourceId=${groupId}&limit=2&cursor=${page.nextCursor}`,
      headers: t.auth("viewer"),
    });
    assert.equal(next.statusCode, 200);
    const seen = new Set([...page.items, ...next.json().items].map((o: OperationJson) => o.id));
    assert.equal(seen.size, page.items.length + next.json().items.length);
  });
});

describe("operations: failures, retries and crashed workers", () => {
  let t: TestApp;
  let groupId: string;
  beforeEach(async () => {
    ({ t, groupId } = await syncedApp());
  });
  after(async () => {
    await t?.close();
  });

  const start = async (payload: object) => {
    const response = await t.app.inject({
      method: "POST",
      url: `/v1/resources/${groupId}/scale`,
      headers: t.auth("operator"),
      payload,
    });
    assert.equal(response.statusCode, 202, response.body);
    return response.json() as OperationJson;
  };

  /** The simulator, with a scripted failure on setDesiredCapacity and a count of the calls that reached it. */
  function flakyCloud(failures: CloudError[]) {
    const calls = { setDesiredCapacity: 0 };
    const cloud: CloudPort = {
      ...t.cloud,
      provider: t.cloud.provider,
      region: t.cloud.region,
      autoScaling: {
        ...t.cloud.autoScaling,
        describeGroups: (names) => t.cloud.autoScaling.describeGroups(names),
        updateLimits: (name, limits) => t.cloud.autoScaling.updateLimits(name, limits),
        setDesiredCapacity: async (name, desired) => {
          const failure = failures.shift();
          if (failure) throw failure;
          calls.setDesiredCapacity += 1;
          await t.cloud.autoScaling.setDesiredCapacity(name, desired);
        },
      },
    };
    return { cloud, calls };
  }

  it("retries a throttled call with backoff, then succeeds", async () => {
    const op = await start({ desiredCapacity: 3 });
    const { cloud, calls } = flakyCloud([
      new CloudError("throttled", "Rate exceeded", { providerCode: "Throttling" }),
      new CloudError("throttled", "Rate exceeded", { providerCode: "Throttling" }),
    ]);
    const done = await runToEnd(t, op.id, cloud);
    await t.close();
    assert.equal(done.status, "succeeded");
    assert.equal(calls.setDesiredCapacity, 1);
    assert.equal(done.events?.filter((e) => e.type === "retry").length, 2);
    assert.match(
      done.events?.find((e) => e.type === "retry")?.message ?? "",
      /attempt 1 of 6 failed: Rate exceeded; retrying in/,
    );
  });

  it("fails with the cloud's message on a permanent error", async () => {
    const op = await start({ desiredCapacity: 3 });
    const { cloud } = flakyCloud([
      new CloudError("invalid_state", "ScalingActivityInProgress: an activity is in progress", {
        providerCode: "ScalingActivityInProgress",
        requestId: "req-42",
      }),
    ]);
    const done = await runToEnd(t, op.id, cloud);
    await t.close();
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "cloud_invalid_state");
    assert.match(done.error?.message ?? "", /an activity is in progress/);
    assert.equal((done.error as unknown as { cloudRequestId: string }).cloudRequestId, "req-42");
  });

  it("cancels a running operation at its next step while nothing has changed yet", async () => {
    const op = await start({ desiredCapacity: 5 });
    const operations = createOperationStore(t.db);
    // A worker holds it (running, step act) when the cancel arrives.
    await operations.claimDue("worker-a", t.clock.now(), new Date(t.clock.now().getTime() + 1_000), 10);
    const requested = await t.app.inject({
      method: "POST",
      url: `/v1/operations/${op.id}/cancel`,
      headers: t.auth("operator"),
    });
    assert.equal(requested.statusCode, 202);
    assert.equal(requested.json().status, "running");
    assert.equal(requested.json().cancelRequested, true);
    const requestedAt = t.clock.now().toISOString();
    t.clock.advance(2_000);
    await reconcilerFor(t).tick();
    const done = await getOperation(t, op.id);
    const [group] = await t.cloud.autoScaling.describeGroups([ASG_NAME]);
    await t.close();
    assert.equal(done.status, "cancelled");
    assert.equal(group?.desiredCapacity, 2, "the cloud was never asked");
    // worker-a's lease ran out unsaved: the next claim notes it (a `retry` event) before cancelling.
    assert.deepEqual(
      done.events?.map((e) => e.type),
      ["created", "started", "cancel_requested", "retry", "cancelled"],
    );
    // On the control plane's clock, like the steps' events, so the history reads in order under the simulator.
    assert.equal(done.events?.find((e) => e.type === "cancel_requested")?.at, requestedAt);
  });

  it("finishes exactly once when a worker dies between act and verify", async () => {
    const op = await start({ desiredCapacity: 4 });
    const { cloud, calls } = flakyCloud([]);
    const operations = createOperationStore(t.db);
    // Worker A claims the operation and acts, then dies before saving the step: simulate by acting and not recording.
    const claimed = await operations.claimDue(
      "worker-a",
      t.clock.now(),
      new Date(t.clock.now().getTime() + 60_000),
      10,
    );
    assert.equal(claimed.length, 1);
    await cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    calls.setDesiredCapacity = 1;
    // Worker B cannot take it while A's lease holds...
    const b = reconcilerFor(t, cloud, "worker-b");
    assert.equal(await b.tick(), 0);
    // ...and takes over when it expires, without acting again.
    t.clock.advance(61_000);
    for (let i = 0; i < 100; i += 1) {
      await b.tick();
      if ((await operations.get(op.id))?.status === "succeeded") break;
      t.clock.advance(30_000);
    }
    const done = await getOperation(t, op.id);
    await t.close();
    assert.equal(done.status, "succeeded");
    assert.equal(calls.setDesiredCapacity, 1, "the cloud saw one call");
    assert.equal(done.events?.filter((e) => e.type === "succeeded").length, 1);
  });
});

describe("operations: live progress", () => {
  it("streams every event in order over Server-Sent Events and ends with the operation", async () => {
    const { t, groupId } = await syncedApp();
    try {
      await t.app.listen({ port: 0, host: "127.0.0.1" });
      const address = t.app.server.address();
      const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      const accepted = await request(base)
        .post(`/v1/resources/${groupId}/scale`)
        .set(t.auth("operator"))
        .send({ desiredCapacity: 4 });
      assert.equal(accepted.status, 202);
      const id = accepted.body.id as string;
      const streamed = request(base)
        .get(`/v1/operations/${id}/events`)
        .set(t.auth("viewer"))
        .buffer(true)
        .parse((response, callback) => {
          let text = "";
          response.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on("end", () => callback(null, text));
        });
      const run = runToEnd(t, id);
      const [response, done] = await Promise.all([streamed, run]);
      assert.equal(response.status, 200);
      assert.match(String(response.headers["content-type"]), /text\/event-stream/);
      const body = response.body as string;
      const ids = [...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      const stored = (done.events ?? []).length;
      assert.equal(ids.length, stored, "every event once");
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
        "in order",
      );
      assert.match(body, /event: end\ndata: \{"status":"succeeded"\}/);
    } finally {
      await t.close();
    }
  });
});
