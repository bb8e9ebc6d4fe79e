// The rightsizing loop on the simulator with a controlled clock: peak load → memory-pressure finding →
// rightsize_instance_type recommendation → applied through the API → change_instance_type runs the
// Beanstalk environment update → each instance has twice the memory → the finding resolves → the
// recommendation closes as finding_resolved.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { storedSamples } from "./helpers/storedSamples.ts";
import { applyRecommendation, getOk, sweepNow, syncedAppAtPeak } from "./helpers/sweeps.ts";
import { type SyncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

const PERIOD = 5 * 60_000;

describe("health: applying rightsize_instance_type relieves memory pressure", () => {
  let app: SyncedApp;
  const sweep = () => sweepNow(app.t);
  const get = (url: string) => getOk(app.t, url);

  before(async () => {
    app = await syncedAppAtPeak();
  });
  after(() => app.t.close());

  it("moves the group to t3.large, memory per instance halves, the finding resolves and the recommendation closes", async () => {
    await sweep();
    const [finding] = (await get(`/v1/findings?resourceId=${app.groupId}&status=open`)).items;
    assert.equal(finding?.ruleId, "memory_pressure");
    const recommendations = await get(`/v1/recommendations?findingId=${finding.id}&status=open`);
    const rightsize = recommendations.items.find((r: { kind: string }) => r.kind === "rightsize_instance_type");
    assert.ok(rightsize, JSON.stringify(recommendations.items.map((r: { kind: string }) => r.kind)));
    assert.deepEqual(rightsize.apply, { operationKind: "change_instance_type", params: { instanceType: "t3.large" } });

    const applied = await applyRecommendation(app.t, rightsize.id);
    assert.equal(applied.statusCode, 202, applied.body);
    const operation = applied.json().operation;
    assert.equal(operation.kind, "change_instance_type");
    const peakBefore = operation.plan.changes.find((c: { field: string }) => c.field === "peakMemoryPercent");
    assert.ok(peakBefore.from >= 85 && peakBefore.to < 50, JSON.stringify(peakBefore));
    await reconcileToEnd(app.t, operation.id);
    const done = await get(`/v1/operations/${operation.id}`);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal((await get(`/v1/resources/${app.groupId}`)).instanceType, "t3.large");

    await syncFromCloud(app.t, app.envId);
    const timeline: { open: boolean; status: string }[] = [];
    for (let i = 0; i < 12 && (timeline.at(-1)?.open ?? true); i += 1) {
      app.t.clock.advance(PERIOD);
      await sweep();
      const state = await get(`/v1/findings/${finding.id}`);
      const recommendation = await get(`/v1/recommendations/${rightsize.id}`);
      timeline.push({ open: state.status === "open", status: recommendation.status });
    }
    assert.equal(timeline.at(-1)?.open, false, JSON.stringify(timeline));
    assert.ok(
      timeline.every((step) => step.status === "applied"),
      "never superseded by a bigger type meanwhile",
    );

    const samples = await storedSamples(app.t.db, {
      resourceId: app.groupId,
      metric: "mem_used_percent",
      stat: "Maximum",
    });
    const last = samples.slice(-3).map((s) => s.value);
    assert.ok(
      last.every((value) => value < 55),
      `twice the memory: the peak's ~90% becomes under 55%: ${JSON.stringify(last)}`,
    );

    const closed = await get(`/v1/recommendations/${rightsize.id}`);
    assert.equal(closed.status, "applied");
    assert.equal(closed.appliedOperationId, operation.id);
    assert.equal(closed.closeReason, "finding_resolved");
    assert.ok(closed.closedAt);
    const current = await get(`/v1/recommendations?findingId=${finding.id}&current=true`);
    assert.deepEqual(current.items, [], "nothing left to do for that finding");
  });
});
