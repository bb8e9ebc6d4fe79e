import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createWebhookSender } from "../apps/worker/src/webhookSender.ts";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhookReceiver.ts";
import { deliveryClock, deliveryWorker } from "./helpers/webhooks.ts";

describe("webhook delivery refuses what it must not reach", () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let elsewhere: WebhookReceiver;
  before(async () => {
    t = await createTestApp();
    receiver = await startWebhookReceiver();
    elsewhere = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
    await elsewhere.close();
    await t.close();
  });

  /** A subscription saved straight in the database, as if its target had been accepted before. */
  async function storedSubscription(url: string) {
    return t.db.prisma.webhookSubscription.create({
      data: { url, events: ["sync.failed"], secret: "whsec_stored", createdBy: "test" },
    });
  }

  async function testDelivery(subscriptionId: string) {
    const sent = await t.app.inject({
      method: "POST",
      url: `/v1/webhook-subscriptions/${subscriptionId}/test`,
      headers: t.auth("admin"),
    });
    assert.equal(sent.statusCode, 202, sent.body);
    await deliveryWorker(t, deliveryClock()).deliver();
    return t.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: sent.json().id } });
  }

  it("does not follow a redirect: the attempt fails and the redirect's target is never asked", async () => {
    const subscription = await storedSubscription(receiver.url);
    receiver.mode = { redirectTo: elsewhere.url };
    const delivery = await testDelivery(subscription.id);
    assert.equal(delivery.status, "PENDING", "retried later");
    assert.equal(delivery.lastStatusCode, 302);
    assert.match(delivery.lastError ?? "", /redirect to http:\/\/127\.0\.0\.1:\d+\/hooks not followed/);
    assert.equal(receiver.received.length, 1);
    assert.equal(elsewhere.received.length, 0);
    receiver.mode = { status: 200 };
  });

  it("checks the target again at delivery: the metadata address is refused without a connection", async () => {
    const subscription = await storedSubscription("http://169.254.169.254/latest/meta-data/");
    const delivery = await testDelivery(subscription.id);
    assert.equal(delivery.lastStatusCode, null);
    assert.match(delivery.lastError ?? "", /^refused: 169\.254\.169\.254 is the cloud metadata service$/);
    assert.equal(delivery.lastDurationMs, 0, "no connection was tried");
  });

  it("checks the addresses a name resolves to when it connects, so a changed DNS answer cannot point inward", async () => {
    const port = new URL(receiver.url).port;
    const answering = (address: string) =>
      createWebhookSender({ resolve: async () => [{ address, family: address.includes(":") ? 6 : 4 }] });
    const local = await answering("127.0.0.1").post({
      url: `http://hooks.test:${port}/hooks`,
      body: "{}",
      headers: {},
    });
    assert.equal(local.statusCode, 200, local.error ?? "");
    const before = receiver.received.length;
    const rebound = await answering("169.254.169.254").post({
      url: `http://hooks.test:${port}/hooks`,
      body: "{}",
      headers: {},
    });
    assert.equal(rebound.statusCode, null);
    assert.equal(
      rebound.error,
      "refused: hooks.test resolves to 169.254.169.254: 169.254.169.254 is the cloud metadata service",
    );
    const privateOverHttp = await answering("10.0.0.7").post({
      url: `http://hooks.test:${port}/`,
      body: "{}",
      headers: {},
    });
    assert.match(privateOverHttp.error ?? "", /plain http is allowed only to loopback/);
    assert.equal(receiver.received.length, before, "neither reached anything");
  });

  it("gives up waiting after its timeout, and cuts a long answer without failing the delivery", async () => {
    receiver.mode = { hang: true };
    const sender = createWebhookSender({ timeoutMs: 300 });
    const hung = await sender.post({ url: receiver.url, body: "{}", headers: {} });
    assert.equal(hung.statusCode, null);
    assert.equal(hung.error, "no answer within 300 ms");
    receiver.mode = { status: 200 };
    const answered = await createWebhookSender({ maxResponseBytes: 4096 }).post({
      url: receiver.url,
      body: "{}",
      headers: {},
    });
    assert.equal(answered.statusCode, 200, "a 10 KB answer is cut, the status kept");
  });
});
