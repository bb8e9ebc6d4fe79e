// The closed loop with the simulator's target tracking: peak load → memory-pressure finding →
// add_memory_target_tracking applied through the API → put_memory_scaling_policy succeeds →
// simulated time passes → the group scales out by itself (no scale operation) → the finding resolves.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { applyRecommendation, getOk, sweepNow, syncedAppAtPeak } from "./helpers/sweeps.ts";
import { type SyncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

const MINUTE = 60_000;
const PERIOD = 5 * MINUTE;

describe("health: a memory target-tracking policy relieves memory pressure by itself", () => {
  let app: SyncedApp;
  const sweep = () => sweepNow(app.t);
  const get = (url: string) => getOk(app.t, url);

  before(async () => {
    app = await syncedAppAtPeak();
  });
  after(() => app.t.close());

  it("applies the policy, the group scales out on its own, and a later sweep resolves the finding", async () => {
    const groupName = (await get(`/v1/resources/${app.groupId}`)).cloudId as string;
    await sweep();
    const [finding] = (await get(`/v1/findings?resourceId=${app.groupId}&status=open`)).items;
    assert.equal(finding?.ruleId, "memory_pressure");
    const recommendations = await get(`/v1/recommendations?findingId=${finding.id}&status=open`);
    const memory = recommendations.items.find((r: { kind: string }) => r.kind === "add_memory_target_tracking");
    assert.ok(memory, JSON.stringify(recommendations.items.map((r: { kind: string }) => r.kind)));

    const applied = await applyRecommendation(app.t, memory.id);
    assert.equal(applied.statusCode, 202, applied.body);
    const operation = applied.json().operation;
    assert.equal(operation.kind, "put_memory_scaling_policy");
    await reconcileToEnd(app.t, operation.id);
    assert.equal((await get(`/v1/operations/${operation.id}`)).status, "succeeded");
    const [atApply] = await app.t.cloud.autoScaling.describeGroups([groupName]);
    assert.equal(atApply?.desiredCapacity, 2, "nothing scaled yet: no simulated time has passed");

    // Sweep every 5 minutes, as the worker would, with a sync between (the worker's schedule).
    const timeline: { at: string; desired: number; inService: number; open: boolean }[] = [];
    for (let i = 0; i < 12 && (timeline.at(-1)?.open ?? true); i += 1) {
      app.t.clock.advance(PERIOD);
      await syncFromCloud(app.t, app.envId);
      await sweep();
      const [group] = await app.t.cloud.autoScaling.describeGroups([groupName]);
      const state = await get(`/v1/findings/${finding.id}`);
      timeline.push({
        at: new Date(app.t.clock.now()).toISOString().slice(11, 16),
        desired: group?.desiredCapacity ?? 0,
        inService: group?.instances.filter((x) => x.lifecycleState === "InService").length ?? 0,
        open: state.status === "open",
      });
    }
    console.log(JSON.stringify(timeline));
    const resolvedStep = timeline.find((step) => !step.open);
    assert.ok(resolvedStep, `the finding resolved: ${JSON.stringify(timeline)}`);
    const whileOpen = timeline.filter((step) => step.open).length;
    assert.ok(whileOpen > 0, "the finding stayed open for a sweep or more after the policy was synced");
    assert.ok(resolvedStep.desired > 2 && resolvedStep.inService === resolvedStep.desired, JSON.stringify(timeline));
    assert.ok(timeline[0]?.open, "not resolved by the first sweep after the scale-out");
    const resolved = await get(`/v1/findings/${finding.id}`);
    assert.match(resolved.resolution, /under 75% for 3 periods/);
    const closed = await get(`/v1/recommendations/${memory.id}`);
    assert.deepEqual(
      [closed.status, closed.closeReason, closed.appliedOperationId],
      ["applied", "finding_resolved", operation.id],
      "the applied policy closes with its finding, not before",
    );

    // By itself: the only operation is the policy's; no scale operation ran.
    const operations = await get(`/v1/operations`);
    assert.deepEqual(
      operations.items.map((o: { kind: string }) => o.kind),
      ["put_memory_scaling_policy"],
    );
    const [group] = await app.t.cloud.autoScaling.describeGroups([groupName]);
    assert.deepEqual([group?.minSize, group?.maxSize], [2, 6]);
  });
});
