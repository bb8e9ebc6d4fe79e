import assert from "node:assert/strict";
import type { SweepRun } from "@fastier/core";
import { createSweepRunner } from "@fastier/runtime";
import type { TestApp } from "./testApp.ts";

/** One scheduled sweep of the test app's cloud at its clock's time, as the worker runs it; it must succeed. */
export async function sweepNow(t: TestApp): Promise<SweepRun> {
  const run = await createSweepRunner({ database: t.db, cloud: t.cloud, now: () => t.clock.now() }).sweepOnce(
    "schedule",
  );
  assert.ok(run, "another sweep held the lock");
  assert.equal(run.status, "succeeded", JSON.stringify(run.errors));
  return run;
}
