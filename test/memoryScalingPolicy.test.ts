// Scale on memory, end to end on the simulator: memory-pressure finding → the group has no
// memory policy → add_memory_target_tracking recommended → applied through the API → the
// put_memory_scaling_policy operation runs → sync sees the policy → the recommendation closes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { applyRecommendation, getOk, sweepNow, syncedAppAtPeak } from "./helpers/sweeps.ts";
import { type SyncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

describe("health: applying add_memory_target_tracking puts a memory scaling policy", () => {
  let app: SyncedApp;
  const sweep = () => sweepNow(app.t);
  const get = (url: string) => getOk(app.t, url);

  before(async () => {
    app = await syncedAppAtPeak();
  });
  after(() => app.t.close());

  it("applies the recommendation, the group scales on memory at 65%, and the recommendation stays with its finding after a sync", async () => {
    const group = await get(`/v1/resources/${app.groupId}`);
    assert.equal(group.attributes.memoryTargetTracking, false, "the simulator's group starts without one");
    await sweep();
    const [finding] = (await get(`/v1/findings?resourceId=${app.groupId}&status=open`)).items;
    assert.equal(finding?.ruleId, "memory_pressure");
    const recommendations = await get(`/v1/recommendations?findingId=${finding.id}&status=open`);
    const memory = recommendations.items.find((r: { kind: string }) => r.kind === "add_memory_target_tracking");
    assert.ok(memory, JSON.stringify(recommendations.items.map((r: { kind: string }) => r.kind)));
    assert.deepEqual(memory.apply, { operationKind: "put_memory_scaling_policy", params: { targetPercent: 65 } });

    const dryRun = await applyRecommendation(app.t, memory.id, { dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    assert.deepEqual(dryRun.json().plan.changes, [{ field: "memoryTargetPercent", from: null, to: 65 }]);

    const applied = await applyRecommendation(app.t, memory.id);
    assert.equal(applied.statusCode, 202, applied.body);
    const operation = applied.json().operation;
    assert.equal(operation.kind, "put_memory_scaling_policy");
    await reconcileToEnd(app.t, operation.id);
    const done = await get(`/v1/operations/${operation.id}`);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.deepEqual(await app.t.cloud.autoScaling.describeMemoryTargetTracking(group.cloudId), {
      policyName: `${group.cloudId}-memory-target-tracking`,
      targetPercent: 65,
    });
    assert.equal(
      (await get(`/v1/resources/${app.groupId}`)).attributes.memoryTargetTracking,
      true,
      "the operation's inventory effect",
    );

    await syncFromCloud(app.t, app.envId);
    assert.equal((await get(`/v1/resources/${app.groupId}`)).attributes.memoryTargetTracking, true, "sync sees it");
    await sweep();
    // The policy is in place, but the pressure is not relieved yet: the applied recommendation stays the
    // finding's answer (it closes as finding_resolved once it is, see healthTargetTracking.test.ts).
    assert.equal((await get(`/v1/findings/${finding.id}`)).status, "open");
    const kept = await get(`/v1/recommendations/${memory.id}`);
    assert.equal(kept.status, "applied");
    assert.equal(kept.appliedOperationId, operation.id);
    assert.equal(kept.closeReason, null);
    assert.equal(kept.closedAt, null);
    const current = await get(`/v1/recommendations?findingId=${finding.id}&current=true`);
    const kinds = current.items.map((r: { kind: string }) => r.kind);
    assert.ok(kinds.includes("add_memory_target_tracking"), JSON.stringify(kinds));
    assert.ok(kinds.length > 1, `the finding's other remedies (scale out, rightsize) stay: ${JSON.stringify(kinds)}`);
  });
});
