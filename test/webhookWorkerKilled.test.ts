import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { collectOutput } from "./helpers/processes.ts";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhookReceiver.ts";
import { deliveryClock, deliveryWorker, subscribe, writeEvents } from "./helpers/webhooks.ts";

const { DATABASE_URL: _ignored, ...baseEnv } = process.env;

describe("a worker process killed with SIGKILL in the middle of a delivery", () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let worker: ChildProcess | undefined;
  before(async () => {
    t = await createTestApp();
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    await receiver.close();
    await t.close();
  });

  it("loses nothing: after its lease another worker sends the event, once", async () => {
    await subscribe(t, { url: receiver.url, events: ["operation.failed"] });
    const group = await t.db.prisma.resource.findFirst();
    await writeEvents(t, [
      {
        type: "operation.failed",
        occurredAt: new Date(),
        subject: { id: group?.id ?? "00000000-0000-4000-8000-000000000001" },
        severity: null,
        data: { summary: "scale failed" },
      },
    ]);
    // The receiver takes the request and never answers: the worker is mid-delivery when it dies.
    receiver.mode = { hang: true };
    const arrived = receiver.nextRequest();
    worker = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
      env: {
        ...baseEnv,
        DATABASE_URL: t.db.url,
        SEED_ON_EMPTY: "false",
        SYNC_INTERVAL_SECONDS: "0",
        SWEEP_INTERVAL_SECONDS: "0",
        WEBHOOK_DELIVERY_INTERVAL_MS: "100",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = collectOutput(worker);
    const exited = once(worker, "exit");
    const first = await Promise.race([
      arrived,
      exited.then(() => {
        throw new Error(`the worker exited before delivering:\n${output()}`);
      }),
    ]);
    worker.kill("SIGKILL");
    await exited;

    const claimed = await t.db.prisma.webhookDelivery.findFirstOrThrow();
    assert.equal(claimed.status, "PENDING");
    assert.equal(claimed.attempts, 1);
    assert.ok(claimed.leaseOwner, "still leased by the dead worker");
    assert.ok(claimed.leaseExpiresAt);

    receiver.mode = { status: 200 };
    const clock = deliveryClock(new Date(claimed.leaseExpiresAt.getTime() + 1_000));
    const round = await deliveryWorker(t, clock, "survivor").deliver();
    assert.equal(round.delivered, 1);
    const accepted = receiver.accepted();
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]?.headers["fastier-event-id"], first.headers["fastier-event-id"], "the same event");
    const done = await t.db.prisma.webhookDelivery.findFirstOrThrow();
    assert.equal(done.status, "DELIVERED");
    assert.equal(done.attempts, 2);
  });
});
