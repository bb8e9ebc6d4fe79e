import assert from "node:assert/strict";
import type { NotificationEventInput } from "@fastier/core";
import { createDeliveryQueue, onPgClient, writeNotifications } from "@fastier/db";
import { inTransaction } from "@fastier/db/pgTransaction";
import pino from "pino";
import { createScheduledJobs } from "../../apps/worker/src/scheduledJobs.ts";
import type { TestApp } from "./testApp.ts";

/** A controlled wall clock for deliveries: retries become due by advancing it, never by sleeping. */
export function deliveryClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export type DeliveryClock = ReturnType<typeof deliveryClock>;

/** The worker's webhook job on the test database, named `workerId`, on `clock`. */
export function deliveryWorker(t: TestApp, clock: DeliveryClock, workerId = "worker-a") {
  const jobs = createScheduledJobs({
    database: t.db,
    cloud: t.cloud,
    now: () => t.clock.now(),
    log: pino({ level: "silent" }),
    workerId,
    webhooks: { dashboardBaseUrl: "https://dash.example.com", now: clock.now },
  });
  return {
    deliver: () => jobs.deliverOnce(pino({ level: "silent" })),
    queue: createDeliveryQueue(t.db),
  };
}

/** An admin subscribes `url`; the created subscription and its secret. */
export async function subscribe(t: TestApp, payload: Record<string, unknown>) {
  const response = await t.app.inject({
    method: "POST",
    url: "/v1/webhook-subscriptions",
    headers: t.auth("admin"),
    payload,
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as { secret: string; subscription: { id: string } };
}

/** Writes events to the outbox in their own transaction, as a store does with its change. */
export async function writeEvents(t: TestApp, events: NotificationEventInput[]) {
  await inTransaction(t.db.pool, (client) => writeNotifications(onPgClient(client), events));
}
