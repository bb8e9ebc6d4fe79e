// The DR drill schedule per environment: set by an admin, and run by the worker once per period
// for each primary database, however many workers look at the same time.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PRIMARY_DB } from "@fastier/core";
import pino from "pino";
import { createScheduledJobs } from "../apps/worker/src/scheduledJobs.ts";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { getOk } from "./helpers/sweeps.ts";
import { type SyncedApp, syncedApp } from "./helpers/syncedApp.ts";

const DAY_MS = 86_400_000;

describe("DR drill schedule", () => {
  let app: SyncedApp;
  let primaryId: string;
  const put = (payload: object, role: "operator" | "admin" = "admin") =>
    app.t.app.inject({
      method: "PUT",
      url: `/v1/environments/${app.envId}/dr-drill-schedule`,
      headers: app.t.auth(role),
      payload,
    });
  /** One worker process's scheduled jobs, on the shared database and clock. */
  const worker = (workerId: string) =>
    createScheduledJobs({
      database: app.t.db,
      cloud: app.t.cloud,
      now: () => app.t.clock.now(),
      log: pino({ level: "silent" }),
      workerId,
    });
  const drillOperations = () =>
    app.t.db.prisma.operation.findMany({
      where: { kind: "DR_DRILL", targetResourceId: primaryId },
      orderBy: { createdAt: "asc" },
    });

  before(async () => {
    app = await syncedApp();
    primaryId = (await app.t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: PRIMARY_DB } })).id;
  });
  after(() => app.t.close());

  it("is off, every 30 days, at the latest point until an admin sets it; bad input changes nothing", async () => {
    const url = `/v1/environments/${app.envId}/dr-drill-schedule`;
    assert.deepEqual(await getOk(app.t, url), { enabled: false, everyDays: 30, pointInTime: "latest" });
    assert.equal((await put({ enabled: true, everyDays: 7, pointInTime: "latest" }, "operator")).statusCode, 403);
    for (const [payload, field] of [
      [{ enabled: true, everyDays: 0, pointInTime: "latest" }, "/everyDays"],
      [{ enabled: true, everyDays: 91, pointInTime: "latest" }, "/everyDays"],
      [{ enabled: true, everyDays: 7, pointInTime: "yesterday" }, "/pointInTime"],
    ] as const) {
      const refused = await put(payload);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().errors[0].field, field);
    }
    assert.deepEqual(await getOk(app.t, url), { enabled: false, everyDays: 30, pointInTime: "latest" });
    assert.equal(
      await app.t.db.prisma.auditEvent.count({ where: { action: "environment.dr_drill_schedule" } }),
      0,
      "a refused request audits nothing",
    );
  });

  it("starts one drill per primary per period, with two workers looking at once", async () => {
    const set = await put({ enabled: true, everyDays: 1, pointInTime: "random" });
    assert.equal(set.statusCode, 200, set.body);
    const [a, b] = [worker("worker-a"), worker("worker-b")];
    const log = pino({ level: "silent" });

    await Promise.all([a.drillsOnce(log), b.drillsOnce(log), a.drillsOnce(log), b.drillsOnce(log)]);
    const first = await drillOperations();
    assert.equal(first.length, 1, "one drill, not one per worker");
    assert.deepEqual(first[0]?.params, { pointInTime: "random" });
    assert.equal(first[0]?.requestedByName, "dr-drill-schedule");

    await reconcileToEnd(app.t, first[0]?.id as string);
    // Later in the same period, both workers look again: the drill done is the period's drill.
    await Promise.all([a.drillsOnce(log), b.drillsOnce(log)]);
    assert.equal((await drillOperations()).length, 1);

    // The next period: one more.
    app.t.clock.advance(DAY_MS);
    await Promise.all([a.drillsOnce(log), b.drillsOnce(log)]);
    await Promise.all([a.drillsOnce(log), b.drillsOnce(log)]);
    const second = await drillOperations();
    assert.equal(second.length, 2);
    await reconcileToEnd(app.t, second[1]?.id as string);
    const history = await getOk(app.t, `/v1/resources/${primaryId}/dr-drills?limit=1`);
    assert.equal(history.items.length, 1);
    assert.equal(history.items[0].operationId, second[1]?.id, "newest first");
    assert.equal(history.items[0].pointInTime, "random");
    const next = await getOk(
      app.t,
      `/v1/resources/${primaryId}/dr-drills?limit=1&cursor=${encodeURIComponent(history.nextCursor)}`,
    );
    assert.equal(next.items[0].operationId, first[0]?.id);
    assert.equal(next.nextCursor, null);
  });

  it("starts nothing while the schedule is disabled", async () => {
    assert.equal((await put({ enabled: false, everyDays: 1, pointInTime: "latest" })).statusCode, 200);
    app.t.clock.advance(2 * DAY_MS);
    const before = (await drillOperations()).length;
    await worker("worker-a").drillsOnce(pino({ level: "silent" }));
    assert.equal((await drillOperations()).length, before);
  });
});
