// The closed loop on the simulator with a controlled clock: peak load → memory-pressure
// finding → scale-out recommendation → applied through the API → the operation runs →
// memory per instance drops → the finding resolves after the hysteresis → recommendation closed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { storedSamples } from "./helpers/storedSamples.ts";
import { applyRecommendation, getOk, sweepNow, syncedAppAtPeak } from "./helpers/sweeps.ts";
import { type SyncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

const MINUTE = 60_000;
const PERIOD = 5 * MINUTE;

describe("health: the closed loop from memory pressure to relief", () => {
  let app: SyncedApp;
  const sweep = () => sweepNow(app.t);
  const get = (url: string) => getOk(app.t, url);
  const groupMemory = () =>
    storedSamples(app.t.db, { resourceId: app.groupId, metric: "mem_used_percent", stat: "Maximum" });

  before(async () => {
    app = await syncedAppAtPeak();
  });
  after(() => app.t.close());

  it("opens a finding with its evidence, recommends N = 3, applies it, and resolves once memory stays low", async () => {
    await sweep();
    const findings = await get(`/v1/findings?resourceId=${app.groupId}&status=open`);
    assert.equal(findings.items.length, 1);
    const finding = findings.items[0];
    assert.equal(finding.ruleId, "memory_pressure");
    const evidence = finding.evidence.filter((p: { metric: string }) => p.metric === "mem_used_percent");
    assert.ok(
      evidence.length >= 3 && evidence.every((p: { value: number }) => p.value >= 85),
      JSON.stringify(evidence),
    );

    const recommendations = await get(`/v1/recommendations?findingId=${finding.id}&status=open`);
    const scaleOut = recommendations.items.find((r: { kind: string }) => r.kind === "scale_out");
    assert.ok(scaleOut, JSON.stringify(recommendations.items.map((r: { kind: string }) => r.kind)));
    assert.deepEqual(scaleOut.proposal, { desiredCapacity: 3 });

    const applied = await applyRecommendation(app.t, scaleOut.id);
    assert.equal(applied.statusCode, 202, applied.body);
    const operation = applied.json().operation;
    assert.equal(operation.kind, "scale");
    await reconcileToEnd(app.t, operation.id);
    assert.equal((await get(`/v1/operations/${operation.id}`)).status, "succeeded");
    const [group] = await app.t.cloud.autoScaling.describeGroups([await groupName()]);
    assert.equal(group?.instances.filter((i) => i.lifecycleState === "InService").length, 3);

    // Sweep every 5 minutes, as the worker would, and watch the hysteresis.
    await syncFromCloud(app.t, app.envId);
    const timeline: { windowEnd: number; open: boolean }[] = [];
    for (let i = 0; i < 12 && (timeline.at(-1)?.open ?? true); i += 1) {
      app.t.clock.advance(PERIOD);
      const run = await sweep();
      const state = await get(`/v1/findings/${finding.id}`);
      timeline.push({ windowEnd: run.windowEnd.getTime(), open: state.status === "open" });
    }
    const resolvedAt = timeline.find((step) => !step.open);
    assert.ok(resolvedAt, "the finding resolved");

    const samples = await groupMemory();
    const firstClear = samples.findIndex((s, i) => i > 0 && s.value < 75 && (samples[i - 1]?.value ?? 0) >= 75);
    assert.ok(firstClear > 0, "memory per instance fell under 75% after the scale-out");
    const clearFrom = samples[firstClear]?.timestamp.getTime() ?? 0;
    assert.ok(
      samples.slice(firstClear).every((s) => s.value < 75),
      "and stayed there",
    );
    // Resolved by the first sweep whose window holds 3 whole periods under 75%, not earlier.
    assert.equal(resolvedAt.windowEnd, clearFrom + 3 * PERIOD);
    assert.ok(
      timeline.filter((step) => step.windowEnd < clearFrom + 3 * PERIOD).every((step) => step.open),
      JSON.stringify(timeline),
    );

    const resolved = await get(`/v1/findings/${finding.id}`);
    assert.match(resolved.resolution, /under 75% for 3 periods/);
    const closed = await get(`/v1/recommendations/${scaleOut.id}`);
    assert.equal(closed.status, "applied");
    assert.equal(closed.appliedOperationId, operation.id);
    assert.equal(closed.closeReason, "finding_resolved");
    assert.ok(closed.closedAt);
    const current = await get(`/v1/recommendations?findingId=${finding.id}&current=true`);
    assert.deepEqual(current.items, [], "nothing left to do for that finding");
  });

  async function groupName() {
    return (await get(`/v1/resources/${app.groupId}`)).cloudId as string;
  }
});
