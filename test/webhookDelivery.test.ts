import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FAILING_AFTER_CONSECUTIVE_FAILURES, type NotificationEventInput } from "@fastier/core";
import pino from "pino";
import { startWorker } from "../apps/worker/src/startWorker.ts";
import { readmeVerifier } from "./helpers/readmeVerifier.ts";
import { sweepNow, syncedAppAtPeak } from "./helpers/sweeps.ts";
import type { SyncedApp } from "./helpers/syncedApp.ts";
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from "./helpers/webhookReceiver.ts";
import { deliveryClock, deliveryWorker, subscribe, writeEvents } from "./helpers/webhooks.ts";

const HOUR = 60 * 60_000;

describe("webhooks: a sweep's finding reaches the receiver, signed", () => {
  let app: SyncedApp;
  let receiver: WebhookReceiver;
  let secret: string;
  before(async () => {
    app = await syncedAppAtPeak();
    receiver = await startWebhookReceiver();
    ({ secret } = await subscribe(app.t, { url: receiver.url, events: ["finding.opened"] }));
    await sweepNow(app.t);
    await deliveryWorker(app.t, deliveryClock()).deliver();
  });
  after(async () => {
    await receiver.close();
    await app.t.close();
  });

  it("delivers each opened finding once, with the event id header and a signature the README's steps accept", async () => {
    const bodies = receiver.received.map((hook) => JSON.parse(hook.body));
    const open = await app.t.db.prisma.finding.findMany({ where: { status: "OPEN" } });
    assert.equal(open.length, 3, "the group and its two instances");
    assert.deepEqual(bodies.map((b) => b.data.findingId).sort(), open.map((f) => f.id).sort());
    assert.equal(new Set(bodies.map((b) => b.id)).size, 3, "one event each, each once");
    const verify = await readmeVerifier();
    for (const hook of receiver.received) {
      assert.equal(hook.headers["fastier-event-id"], JSON.parse(hook.body).id);
      assert.equal(verify(secret, hook.body, String(hook.headers["fastier-signature"])), true);
    }
    const group = bodies.find((b) => b.resource.id === app.groupId);
    assert.equal(group.type, "finding.opened");
    assert.equal(group.resource.kind, "auto_scaling_group");
    assert.deepEqual(group.environment, { id: app.envId, name: "production" });
    assert.equal(group.data.severity, "warning");
    assert.equal(group.data.ruleId, "memory_pressure");
  });

  it("a tampered body, another secret or an old signature fail the README's verification", async () => {
    const verify = await readmeVerifier();
    const hook = receiver.received[0];
    assert.ok(hook);
    const header = String(hook.headers["fastier-signature"]);
    assert.equal(verify(secret, hook.body.replace("warning", "info"), header), false);
    assert.equal(verify("whsec_another", hook.body, header), false);
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    assert.equal(verify(secret, hook.body, header, t + 301), false, "outside the 5-minute tolerance");
    assert.equal(verify(secret, hook.body, header, t + 299), true);
  });

  it("a second round sends nothing again", async () => {
    const before = receiver.received.length;
    const round = await deliveryWorker(app.t, deliveryClock()).deliver();
    assert.deepEqual(round, { fannedOut: 0, attempted: 0, delivered: 0 });
    assert.equal(receiver.received.length, before);
  });

  it("keeps events and their log for 30 days, and a pending delivery's event for as long as it is pending", async () => {
    const clock = deliveryClock(new Date(Date.now() + 31 * 24 * HOUR));
    const { queue } = deliveryWorker(app.t, clock);
    await writeEvents(app.t, [
      {
        type: "finding.opened",
        occurredAt: new Date(),
        subject: { id: app.groupId },
        severity: "critical",
        data: { summary: "still to send" },
      },
    ]);
    await queue.fanOut(100, new Date());
    assert.equal(await queue.prune(new Date(Date.now() - HOUR)), 0, "nothing is old yet");
    assert.equal(await queue.prune(clock.now()), 3, "the three delivered events go, the pending one stays");
    const left = await app.t.db.prisma.notificationEvent.findMany({ include: { deliveries: true } });
    assert.deepEqual(
      left.map((event) => [event.type, event.deliveries.map((d) => d.status)]),
      [["finding.opened", ["PENDING"]]],
    );
    await app.t.db.prisma.notificationEvent.deleteMany();
  });
});

/** `count` events about each of `subjects`, written one transaction each, interleaved. */
function eventsFor(subjects: { id: string }[], count: number): NotificationEventInput[] {
  return Array.from({ length: count }, (_, n) =>
    subjects.map((subject) => ({
      type: "operation.failed" as const,
      occurredAt: new Date(),
      subject: { id: subject.id },
      severity: null,
      data: { n, summary: `event ${n}` },
    })),
  ).flat();
}

describe("webhooks: a receiver down for hours, then up", () => {
  let app: SyncedApp;
  let receiver: WebhookReceiver;
  let subscriptionId: string;
  let subjects: { id: string }[];
  before(async () => {
    app = await syncedAppAtPeak();
    receiver = await startWebhookReceiver();
    ({
      subscription: { id: subscriptionId },
    } = await subscribe(app.t, { url: receiver.url, events: ["operation.failed"] }));
    subjects = await app.t.db.prisma.resource.findMany({ where: { kind: "INSTANCE" }, select: { id: true } });
    for (const event of eventsFor(subjects, 4)) await writeEvents(app.t, [event]);
  });
  after(async () => {
    await receiver.close();
    await app.t.close();
  });

  it("retries with backoff, marks the subscription failing, then delivers every event once and in order per resource", async () => {
    const clock = deliveryClock();
    const worker = deliveryWorker(app.t, clock);
    receiver.mode = { status: 503 };
    for (let round = 0; round < FAILING_AFTER_CONSECUTIVE_FAILURES; round++) {
      await worker.deliver();
      clock.advance(2 * HOUR);
    }
    const failing = await app.t.app.inject({
      url: `/v1/webhook-subscriptions/${subscriptionId}`,
      headers: app.t.auth("admin"),
    });
    assert.equal(failing.json().health, "failing");
    assert.ok(receiver.received.length >= FAILING_AFTER_CONSECUTIVE_FAILURES);
    const tried = new Set(receiver.received.map((hook) => JSON.parse(hook.body).data.n));
    assert.deepEqual([...tried], [0], "while event 0 of a resource fails, its later events wait");

    receiver.mode = { status: 204 };
    for (let round = 0; round < 10 && receiver.accepted().length < 8; round++) {
      await worker.deliver();
      clock.advance(2 * HOUR);
    }
    const accepted = receiver.accepted().map((hook) => JSON.parse(hook.body));
    assert.equal(accepted.length, 8);
    assert.equal(new Set(accepted.map((body) => body.id)).size, 8, "each event exactly once");
    for (const subject of subjects) {
      const order = accepted.filter((body) => body.resource.id === subject.id).map((body) => body.data.n);
      assert.deepEqual(order, [0, 1, 2, 3], `in order for ${subject.id}`);
    }
    const healthy = await app.t.app.inject({
      url: `/v1/webhook-subscriptions/${subscriptionId}`,
      headers: app.t.auth("admin"),
    });
    assert.equal(healthy.json().health, "healthy");
    assert.equal(healthy.json().consecutiveFailures, 0);
  });
});

describe("webhooks: lost workers and concurrent workers", () => {
  let app: SyncedApp;
  let receiver: WebhookReceiver;
  before(async () => {
    app = await syncedAppAtPeak();
    receiver = await startWebhookReceiver();
    await subscribe(app.t, { url: receiver.url, events: ["operation.failed"] });
  });
  after(async () => {
    await receiver.close();
    await app.t.close();
  });

  it("a delivery whose worker died after claiming it is sent by another once the lease runs out", async () => {
    await writeEvents(app.t, eventsFor([{ id: app.groupId }], 1));
    const clock = deliveryClock();
    const doomed = deliveryWorker(app.t, clock, "doomed");
    await doomed.queue.fanOut(100, clock.now());
    const claimed = await doomed.queue.claimDue("doomed", clock.now(), new Date(clock.now().getTime() + 60_000), 10);
    assert.equal(claimed.length, 1);
    const heir = deliveryWorker(app.t, clock, "heir");
    assert.equal((await heir.deliver()).attempted, 0, "not while the lease holds");
    clock.advance(61_000);
    assert.equal((await heir.deliver()).delivered, 1);
    const late = await doomed.queue.recordAttempt(claimed[0]?.deliveryId ?? "", "doomed", {
      at: clock.now(),
      outcome: "retry",
      statusCode: null,
      durationMs: 1,
      error: "late",
      nextAttemptAt: clock.now(),
    });
    assert.equal(late, false, "the lost worker's late answer changes nothing");
    assert.equal(receiver.accepted().length, 1);
  });

  it("two workers delivering at once send each event once", async () => {
    receiver.received.length = 0;
    const instances = await app.t.db.prisma.resource.findMany({ where: { kind: { in: ["INSTANCE", "DB_INSTANCE"] } } });
    await writeEvents(app.t, eventsFor(instances, 5));
    const clock = deliveryClock();
    const a = deliveryWorker(app.t, clock, "worker-a");
    const b = deliveryWorker(app.t, clock, "worker-b");
    await Promise.all([a.deliver(), b.deliver(), a.deliver(), b.deliver()]);
    const ids = receiver.received.map((hook) => JSON.parse(hook.body).id);
    assert.equal(ids.length, instances.length * 5);
    assert.equal(new Set(ids).size, ids.length, "no event twice");
  });
});

describe("webhooks: a commit wakes the worker", () => {
  let app: SyncedApp;
  let receiver: WebhookReceiver;
  before(async () => {
    app = await syncedAppAtPeak();
    receiver = await startWebhookReceiver();
    await subscribe(app.t, { url: receiver.url, events: ["operation.failed"] });
  });
  after(async () => {
    await receiver.close();
    await app.t.close();
  });

  it("delivers an event on its commit's notification, long before the next poll", { timeout: 60_000 }, async () => {
    // Polls ten minutes apart: only the LISTEN wake-up can deliver within the test's time.
    const worker = startWorker({
      database: app.t.db,
      cloud: app.t.cloud,
      now: () => app.t.clock.now(),
      log: pino({ level: "silent" }),
      syncIntervalSeconds: 0,
      reconcileIntervalMs: 0,
      webhookIntervalMs: 600_000,
      webhooks: { dashboardBaseUrl: "https://dash.example.com" },
    });
    try {
      // The listener connects asynchronously; the first wake-up after it is listening delivers everything due.
      let hook: ReceivedWebhook | undefined;
      while (!hook) {
        const arrived = receiver.nextRequest();
        await writeEvents(app.t, eventsFor([{ id: app.groupId }], 1));
        hook = await Promise.race([
          arrived,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_000)),
        ]);
      }
      assert.equal(JSON.parse(hook.body).type, "operation.failed");
    } finally {
      await worker.stop();
    }
  });
});

describe("webhooks: fan-out to the subscriptions that want an event", () => {
  let app: SyncedApp;
  let receiver: WebhookReceiver;
  before(async () => {
    app = await syncedAppAtPeak();
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
    await app.t.close();
  });

  it("by environment, minimum severity and creation time; each event once per subscription", async () => {
    const staging = await app.t.app.inject({
      method: "POST",
      url: "/v1/environments",
      headers: app.t.auth("operator"),
      payload: { name: "staging", region: "us-east-1" },
    });
    assert.equal(staging.statusCode, 201, staging.body);
    const url = (path: string) => receiver.url.replace("/hooks", path);
    await subscribe(app.t, { url: url("/all"), events: ["finding.opened"] });
    await subscribe(app.t, { url: url("/production"), events: ["finding.opened"], environmentId: app.envId });
    await subscribe(app.t, { url: url("/staging"), events: ["finding.opened"], environmentId: staging.json().id });
    await subscribe(app.t, { url: url("/critical"), events: ["finding.opened"], minSeverity: "critical" });
    const opened = (severity: "warning" | "critical"): NotificationEventInput => ({
      type: "finding.opened",
      occurredAt: new Date(),
      subject: { id: app.groupId },
      severity,
      data: { severity, summary: severity },
    });
    await writeEvents(app.t, [opened("warning"), opened("critical")]);
    await subscribe(app.t, { url: url("/later"), events: ["finding.opened"] });
    const worker = deliveryWorker(app.t, deliveryClock());
    await worker.deliver();
    await worker.queue.fanOut(100, new Date());
    const got = (path: string) =>
      receiver.received.filter((hook) => hook.path === path).map((hook) => JSON.parse(hook.body).data.severity);
    assert.deepEqual(got("/all"), ["warning", "critical"]);
    assert.deepEqual(got("/production"), ["warning", "critical"]);
    assert.deepEqual(got("/staging"), []);
    assert.deepEqual(got("/critical"), ["critical"]);
    assert.deepEqual(got("/later"), [], "created after the events were written");
    assert.equal(await app.t.db.prisma.webhookDelivery.count(), 5);
  });
});
