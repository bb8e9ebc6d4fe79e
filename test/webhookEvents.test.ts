import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type NotificationEventInput, runSweep } from "@fastier/core";
import { createHealthStore, createPrismaSyncStore, onPgClient, writeNotifications } from "@fastier/db";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { sweepNow, syncedAppAtPeak } from "./helpers/sweeps.ts";
import type { SyncedApp } from "./helpers/syncedApp.ts";

/** An outbox event's data, to read its fields. */
const dataOf = (event: { data: unknown } | undefined) => (event?.data ?? {}) as Record<string, unknown>;

/** The outbox as the worker will read it, oldest first. */
const outbox = (app: SyncedApp) => app.t.db.prisma.notificationEvent.findMany({ orderBy: { sequence: "asc" } });

describe("the outbox is written with the change that causes each event", () => {
  let app: SyncedApp;
  before(async () => {
    app = await syncedAppAtPeak();
  });
  after(() => app.t.close());

  it("a sweep writes finding.opened once per finding it opens, and nothing when it only updates them", async () => {
    await sweepNow(app.t);
    const opened = (await outbox(app)).filter((e) => e.type === "finding.opened");
    const findings = await app.t.db.prisma.finding.findMany({ where: { status: "OPEN" } });
    assert.deepEqual(
      opened.map((e) => (e.data as { findingId: string }).findingId).sort(),
      findings.map((f) => f.id).sort(),
    );
    assert.ok(opened.every((e) => e.environmentName === "production" && e.severity === "WARNING"));
    app.t.clock.advance(5 * 60_000);
    await sweepNow(app.t);
    const after = (await outbox(app)).filter((e) => e.type === "finding.opened");
    assert.equal(after.length, opened.length, "the same open findings raise no new event");
  });

  it("the sweep's store writes finding.escalated only when the severity rises, and finding.resolved", async () => {
    const health = createHealthStore(app.t.db);
    const [finding] = (await health.openFindings()).filter((f) => f.resourceId === app.groupId);
    assert.ok(finding);
    const sweepId = (await app.t.db.prisma.healthSweep.findFirstOrThrow()).id;
    const at = app.t.clock.now();
    await health.applyFindingChanges(sweepId, {
      toOpen: [],
      toUpdate: [{ ...finding, severity: "critical", summary: "memory at 97%", lastSeenAt: at }],
      toResolve: [],
    });
    await health.applyFindingChanges(sweepId, {
      toOpen: [],
      toUpdate: [{ ...finding, severity: "critical", summary: "memory at 98%", lastSeenAt: at }],
      toResolve: [],
    });
    await health.applyFindingChanges(sweepId, {
      toOpen: [],
      toUpdate: [],
      toResolve: [{ ...finding, status: "resolved", resolvedAt: at, resolution: "memory under 75% for 3 periods" }],
    });
    const mine = (await outbox(app)).filter((e) => dataOf(e).findingId === finding.id);
    assert.deepEqual(
      mine.map((e) => [e.type, e.severity, dataOf(e).summary]),
      [
        ["finding.opened", "WARNING", finding.summary],
        ["finding.escalated", "CRITICAL", "memory at 97%"],
        ["finding.resolved", "CRITICAL", "memory under 75% for 3 periods"],
      ],
    );
    assert.equal(dataOf(mine[1]).previousSeverity, "warning");
  });

  it("an operation's success, and an approval request, are in the outbox", async () => {
    const scaled = await app.t.app.inject({
      method: "POST",
      url: `/v1/resources/${app.groupId}/scale`,
      headers: app.t.auth("operator"),
      payload: { desiredCapacity: 3 },
    });
    assert.equal(scaled.statusCode, 202, scaled.body);
    await reconcileToEnd(app.t, scaled.json().id);
    const succeeded = (await outbox(app)).filter((e) => e.type === "operation.succeeded");
    assert.equal(succeeded.length, 1);
    assert.equal(succeeded[0]?.subjectId, app.groupId);
    assert.equal(dataOf(succeeded[0]).operationId, scaled.json().id);

    const policy = await app.t.app.inject({
      method: "PUT",
      url: `/v1/environments/${app.envId}/approval-policy`,
      headers: app.t.auth("admin"),
      payload: { kinds: ["scale"], expiresAfterMinutes: 240 },
    });
    assert.equal(policy.statusCode, 200, policy.body);
    const waiting = await app.t.app.inject({
      method: "POST",
      url: `/v1/resources/${app.groupId}/scale`,
      headers: app.t.auth("operator"),
      payload: { desiredCapacity: 4 },
    });
    assert.equal(waiting.json().status, "awaiting_approval", waiting.body);
    const requested = (await outbox(app)).filter((e) => e.type === "approval.requested");
    assert.equal(requested.length, 1);
    assert.equal(dataOf(requested[0]).operationId, waiting.json().id);
    assert.equal(dataOf(requested[0]).requestedBy, "operator");
  });

  it("a failed sweep and a failed sync are in the outbox", async () => {
    // The inventory read failing fails the whole sweep; the sweep's end is then saved by the real store.
    const health = createHealthStore(app.t.db);
    const run = await runSweep(
      {
        cloud: app.t.cloud,
        health: {
          ...health,
          sweepResources: async () => {
            throw new Error("the inventory could not be read");
          },
        },
        now: () => app.t.clock.now(),
      },
      "schedule",
    );
    assert.equal(run.status, "failed");
    const syncs = createPrismaSyncStore(app.t.db);
    const syncRun = await syncs.startRun(app.envId, "api");
    await syncs.failRun(syncRun.id, "the cloud refused: AccessDenied", []);
    const events = await outbox(app);
    const sweepFailed = events.filter((e) => e.type === "sweep.failed");
    assert.equal(sweepFailed.length, 1);
    assert.equal(sweepFailed[0]?.environmentId, null);
    assert.equal(sweepFailed[0]?.subjectId, run.id);
    assert.match(String(dataOf(sweepFailed[0]).summary), /inventory could not be read/);
    const syncFailed = events.filter((e) => e.type === "sync.failed");
    assert.equal(syncFailed.length, 1);
    assert.equal(syncFailed[0]?.subjectId, app.envId);
    assert.equal(syncFailed[0]?.subjectName, "production");
    assert.match(String(dataOf(syncFailed[0]).summary), /AccessDenied/);
  });

  it("a resource's events commit in the order of their sequence numbers: a second writer waits for the first", async () => {
    const event = (label: string): NotificationEventInput => ({
      type: "operation.failed",
      occurredAt: app.t.clock.now(),
      subject: { id: app.groupId },
      severity: null,
      data: { label, summary: label },
    });
    const first = await app.t.db.pool.connect();
    const second = await app.t.db.pool.connect();
    try {
      await first.query("BEGIN");
      await writeNotifications(onPgClient(first), [event("first")]);
      await second.query("BEGIN");
      let secondWritten = false;
      const secondWrite = writeNotifications(onPgClient(second), [event("second")]).then(() => {
        secondWritten = true;
      });
      // Until the second writer is seen waiting on the resource's lock (polled, not timed).
      for (;;) {
        const { rows } = await app.t.db.pool.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        if ((rows[0]?.waiting ?? 0) > 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(secondWritten, false, "the second writer waits while the first is uncommitted");
      await first.query("COMMIT");
      await secondWrite;
      await second.query("COMMIT");
    } finally {
      first.release();
      second.release();
    }
    const written = (await outbox(app)).filter((e) => e.subjectId === app.groupId && dataOf(e).label);
    assert.deepEqual(
      written.map((e) => dataOf(e).label),
      ["first", "second"],
    );
    assert.ok((written[0]?.sequence ?? 0n) < (written[1]?.sequence ?? 0n));
  });
});
