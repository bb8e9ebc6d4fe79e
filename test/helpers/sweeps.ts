import assert from "node:assert/strict";
import type { SweepRun } from "@fastier/core";
import { createSweepRunner } from "@fastier/runtime";
import { type SyncedApp, syncedApp, syncFromCloud } from "./syncedApp.ts";
import type { TestApp } from "./testApp.ts";

/** From the test start (12:00 UTC) to 17:30 UTC: half an hour into the simulator's daily peak. */
export const TO_PEAK_MS = 5.5 * 60 * 60_000;

/** One scheduled sweep of the test app's cloud at its clock's time, as the worker runs it; it must succeed. */
export async function sweepNow(t: TestApp): Promise<SweepRun> {
  const run = await createSweepRunner({ database: t.db, cloud: t.cloud, now: () => t.clock.now() }).sweepOnce(
    "schedule",
  );
  assert.ok(run, "another sweep held the lock");
  assert.equal(run.status, "succeeded", JSON.stringify(run.errors));
  return run;
}

/** A synced app whose clock is half an hour into the daily peak, synced again there. */
export async function syncedAppAtPeak(): Promise<SyncedApp> {
  const app = await syncedApp();
  app.t.clock.advance(TO_PEAK_MS);
  await syncFromCloud(app.t, app.envId);
  return app;
}

/** A viewer's GET that must answer 200; its JSON. */
export async function getOk(t: TestApp, url: string) {
  const response = await t.app.inject({ method: "GET", url, headers: t.auth("viewer") });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** An operator applies a recommendation (or dry-runs it with `{ dryRun: true }`). */
export function applyRecommendation(t: TestApp, id: string, payload: object = {}) {
  return t.app.inject({
    method: "POST",
    url: `/v1/recommendations/${id}/apply`,
    headers: t.auth("operator"),
    payload,
  });
}
