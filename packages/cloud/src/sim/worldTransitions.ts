import { applyDuePipelineProgress } from "./pipelineStageEngine.ts";
import { applyDueInstanceTransitions } from "./simAutoScaling.ts";
import { applyDueDatabaseChanges } from "./simDatabases.ts";
import { applyDueInstanceTypeChanges } from "./simInstanceTypeChanges.ts";
import { applySnapshotProgress } from "./simSnapshots.ts";
import type { SimWorld } from "./simState.ts";
import { applyTargetTracking } from "./simTargetTracking.ts";
import { toIso, toMs } from "./simTime.ts";

/**
 * Brings the world up to `now`: every transition whose time has come is
 * applied (instances in service or gone, promotions and restores finished,
 * snapshots progressed, pipeline stages completed), and memory target-tracking
 * policies evaluated at each whole minute in between, first, so the instances
 * they launch or retire are brought up to `now` too. Nothing runs in the
 * background; time passing is only ever observed here, so the result depends
 * on the stored timestamps and `now` alone.
 */
export function advanceWorld(world: SimWorld, now: number): SimWorld {
  if (now <= toMs(world.advancedTo)) return world;
  const next = structuredClone(world);
  applyTargetTracking(next, toMs(world.advancedTo), now);
  // Before lifecycle transitions: a batch launched in the past may be in service by now.
  applyDueInstanceTypeChanges(next, now);
  applyDueInstanceTransitions(next, now);
  applyDueDatabaseChanges(next, now);
  applySnapshotProgress(next, now);
  applyDuePipelineProgress(next, now);
  next.advancedTo = toIso(now);
  return next;
}

/** The time a call acts at: the clock's, unless another process already moved the world past it. */
export const effectiveNow = (world: SimWorld, clockNow: number): number => Math.max(clockNow, toMs(world.advancedTo));
