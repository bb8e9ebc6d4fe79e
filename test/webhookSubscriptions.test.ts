import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhookReceiver.ts";
import { deliveryClock, deliveryWorker, subscribe } from "./helpers/webhooks.ts";

const BASE = "/v1/webhook-subscriptions";

describe("webhook subscriptions API", () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  before(async () => {
    t = await createTestApp();
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  const count = () => t.db.prisma.webhookSubscription.count();
  const post = (payload: object) => t.app.inject({ method: "POST", url: BASE, headers: t.auth("admin"), payload });

  it("shows the secret once: in the create answer, never in a GET, a list or the audit trail", async () => {
    const created = await post({ url: receiver.url, events: ["finding.opened"], minSeverity: "warning" });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.headers["cache-control"], "no-store");
    const { secret, subscription } = created.json();
    assert.match(secret, /^whsec_[\w-]{43}$/);
    assert.equal(subscription.health, "healthy");
    assert.equal(subscription.minSeverity, "warning");
    assert.equal(subscription.format, "json");
    const one = await t.app.inject({ url: `${BASE}/${subscription.id}`, headers: t.auth("admin") });
    const list = await t.app.inject({ url: BASE, headers: t.auth("admin") });
    assert.equal(one.statusCode, 200);
    assert.equal(list.json().items.length, 1);
    const audit = JSON.stringify(await t.db.prisma.auditEvent.findMany({ select: { before: true, after: true } }));
    for (const text of [one.body, list.body, audit]) assert.ok(!text.includes(secret), "secret leaked");
    assert.ok(!("secret" in one.json()));

    const rotated = await t.app.inject({
      method: "POST",
      url: `${BASE}/${subscription.id}/rotate-secret`,
      headers: t.auth("admin"),
    });
    assert.equal(rotated.statusCode, 200);
    const fresh = rotated.json().secret;
    assert.notEqual(fresh, secret);
    const again = await t.app.inject({ url: `${BASE}/${subscription.id}`, headers: t.auth("admin") });
    assert.ok(!again.body.includes(fresh));
  });

  it("refuses bad targets and bad fields with a 400 naming the field and rule, and saves nothing", async () => {
    const before = await count();
    const cases: [object, string, string][] = [
      [{ url: "http://169.254.169.254/latest/meta-data", events: ["sync.failed"] }, "/url", "address"],
      [{ url: "https://[fd00:ec2::254]/", events: ["sync.failed"] }, "/url", "address"],
      [{ url: "https://169.254.10.1/hook", events: ["sync.failed"] }, "/url", "address"],
      [{ url: "https://10.0.0.8/hook", events: ["sync.failed"] }, "/url", "address"],
      [{ url: "http://93.184.215.14/hook", events: ["sync.failed"] }, "/url", "address"],
      [{ url: "https://no-such-host.invalid/hook", events: ["sync.failed"] }, "/url", "resolvable"],
      [{ url: "ftp://example.com/hook", events: ["sync.failed"] }, "/url", "scheme"],
      [{ url: "https://user:pw@example.com/", events: ["sync.failed"] }, "/url", "credentials"],
      [{ url: receiver.url, events: ["finding.deleted"] }, "/events/0", "anyOf"],
      [{ url: receiver.url, events: [] }, "/events", "minItems"],
      [{ url: receiver.url, events: ["sync.failed"], secret: "mine" }, "/secret", "additionalProperties"],
      [{ url: receiver.url, events: ["sync.failed"], format: "xml" }, "/format", "anyOf"],
      [
        { url: receiver.url, events: ["sync.failed"], environmentId: "00000000-0000-4000-8000-000000000000" },
        "/environmentId",
        "exists",
      ],
    ];
    for (const [payload, field, rule] of cases) {
      const response = await post(payload);
      assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
      assert.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
      const errors = response.json().errors as { field: string; rule: string }[];
      assert.ok(
        errors.some((e) => e.field === field && e.rule === rule),
        `${JSON.stringify(payload)} → ${JSON.stringify(errors)}`,
      );
    }
    assert.equal(await count(), before);
  });

  it("is for admins only", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const response = await t.app.inject({ url: BASE, headers: t.auth(role) });
      assert.equal(response.statusCode, 403);
    }
  });

  it("changes, pages, sends a test event, logs it, redelivers it, and deletes", async () => {
    const { subscription } = await subscribe(t, { url: receiver.url, events: ["operation.failed"] });
    const patched = await t.app.inject({
      method: "PATCH",
      url: `${BASE}/${subscription.id}`,
      headers: t.auth("admin"),
      payload: { format: "slack", events: ["operation.failed", "sync.failed"] },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().events, ["operation.failed", "sync.failed"]);
    const badPatch = await t.app.inject({
      method: "PATCH",
      url: `${BASE}/${subscription.id}`,
      headers: t.auth("admin"),
      payload: { url: "http://169.254.169.254/" },
    });
    assert.equal(badPatch.statusCode, 400);

    const first = await t.app.inject({ url: `${BASE}?limit=1`, headers: t.auth("admin") });
    const second = await t.app.inject({
      url: `${BASE}?limit=1&cursor=${first.json().nextCursor}`,
      headers: t.auth("admin"),
    });
    assert.notEqual(first.json().items[0].id, second.json().items[0].id);
    assert.equal(second.json().nextCursor, null);

    const test = await t.app.inject({
      method: "POST",
      url: `${BASE}/${subscription.id}/test`,
      headers: t.auth("admin"),
    });
    assert.equal(test.statusCode, 202, test.body);
    await deliveryWorker(t, deliveryClock()).deliver();
    const slack = receiver.accepted().at(-1);
    assert.ok(slack);
    assert.match(
      JSON.parse(slack.body).text,
      /^\*Test event\* webhook_subscription 127\.0\.0\.1:\d+: test event sent by admin <https:\/\/dash\.example\.com\/\|Open in the dashboard>$/,
    );
    const log = await t.app.inject({ url: `${BASE}/${subscription.id}/deliveries`, headers: t.auth("admin") });
    const [delivery] = log.json().items;
    assert.equal(delivery.eventType, "webhook.test");
    assert.equal(delivery.status, "delivered");
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.lastStatusCode, 200);
    assert.equal(typeof delivery.lastDurationMs, "number");

    const redeliver = await t.app.inject({
      method: "POST",
      url: `${BASE}/${subscription.id}/deliveries/${delivery.id}/redeliver`,
      headers: t.auth("admin"),
    });
    assert.equal(redeliver.statusCode, 202);
    assert.equal(redeliver.json().status, "pending");
    await deliveryWorker(t, deliveryClock()).deliver();
    const sent = receiver.accepted().filter((hook) => hook.headers["fastier-event-id"] === delivery.eventId);
    assert.equal(sent.length, 2, "sent again, with the same event id");

    const deleted = await t.app.inject({
      method: "DELETE",
      url: `${BASE}/${subscription.id}`,
      headers: t.auth("admin"),
    });
    assert.equal(deleted.statusCode, 204);
    const gone = await t.app.inject({ url: `${BASE}/${subscription.id}`, headers: t.auth("admin") });
    assert.equal(gone.statusCode, 404);
  });
});
