import { replacementBatches } from "@fastier/core";
import { unitHash } from "./keyedRandom.ts";
import { launchInstance, liveInstances, retireInstance } from "./simAutoScaling.ts";
import type { SimReplacement } from "./simReplacementState.ts";
import type { SimAutoScalingGroup, SimContext, SimWorld } from "./simState.ts";
import { MINUTE, toIso, toMs } from "./simTime.ts";

/**
 * Replacing a group's instances with another type, as an instance refresh and a Beanstalk rolling
 * update do: a batch of new instances is launched, and once all of it is in service as many old
 * ones are taken out, so the group never has fewer in service than before; then the next batch.
 *
 * The deterministic failure: a group tagged `FAIL_REPLACEMENT_TAG=true` launches instances that never
 * pass their health checks. A health-check grace period after its launch the first batch is given
 * up: its instances are terminated (none of the old ones was), and the refresh rolls back or the
 * environment update fails, leaving the group on its previous type.
 */
export const FAIL_REPLACEMENT_TAG = "fastier-sim:fail-replacement";

/** How long a new instance may take to pass health checks before a replacement gives up on it (Auto Scaling's default grace). */
export const HEALTH_CHECK_GRACE_MS = 5 * MINUTE;

/** A time no instance reaches: when the failing batch's instances would have come in service. */
const NEVER = "9999-12-31T00:00:00.000Z";

export type ReplacementEnd = (
  world: SimWorld,
  group: SimAutoScalingGroup,
  outcome: "succeeded" | "failed",
  at: number,
) => void;

/** A note for whoever follows the replacement (Beanstalk's events); refreshes keep none. */
export type ReplacementNote = (world: SimWorld, group: SimAutoScalingGroup, at: number, message: string) => void;

const keyedAt = (now: number): SimContext => ({ now, draw: unitHash, pipelineFailureRate: 0 });

const oldInstances = (group: SimAutoScalingGroup, replacement: SimReplacement) =>
  liveInstances(group).filter(
    (i) => i.instanceType !== replacement.instanceType && !replacement.batch.includes(i.instanceId),
  );

/** Starts replacing every instance of another type, the first batch launched at once. */
export function startReplacement(
  world: SimWorld,
  group: SimAutoScalingGroup,
  ctx: SimContext,
  plan: Pick<SimReplacement, "owner" | "instanceType" | "previousType" | "batchSize">,
  note: ReplacementNote,
): SimReplacement {
  const total = liveInstances(group).filter((i) => i.instanceType !== plan.instanceType).length;
  const replacement: SimReplacement = {
    ...plan,
    failing: group.tags[FAIL_REPLACEMENT_TAG] === "true",
    batch: [],
    batchNumber: 0,
    batchCount: replacementBatches(total, plan.batchSize).length,
    total,
    replaced: 0,
    batchStartedAt: toIso(ctx.now),
  };
  group.replacement = replacement;
  if (total > 0) launchBatch(world, group, replacement, ctx.now, note);
  return replacement;
}

function launchBatch(
  world: SimWorld,
  group: SimAutoScalingGroup,
  replacement: SimReplacement,
  at: number,
  note: ReplacementNote,
) {
  const count = Math.min(replacement.batchSize, oldInstances(group, replacement).length);
  const ctx = keyedAt(at);
  replacement.batch = Array.from({ length: count }, () => {
    const instance = launchInstance(world, group, ctx, replacement.instanceType);
    if (replacement.failing) instance.inServiceAt = NEVER;
    return instance.instanceId;
  });
  replacement.batchNumber += 1;
  replacement.batchStartedAt = toIso(at);
  note(
    world,
    group,
    at,
    `Batch ${replacement.batchNumber} of ${replacement.batchCount}: launching ${count} instance(s) of ${replacement.instanceType}.`,
  );
}

/** Brings every replacement up to `now`, batch by batch, at the times each batch came in service. */
export function applyDueReplacements(world: SimWorld, now: number, end: ReplacementEnd, note: ReplacementNote): void {
  for (const group of world.groups) {
    for (let guard = 0; group.replacement && guard < 1000; guard += 1) {
      if (!advanceOneBatch(world, group, group.replacement, now, end, note)) break;
    }
  }
}

/** Moves a replacement one batch on if that batch's moment has come; false when it has not. */
function advanceOneBatch(
  world: SimWorld,
  group: SimAutoScalingGroup,
  replacement: SimReplacement,
  now: number,
  end: ReplacementEnd,
  note: ReplacementNote,
): boolean {
  if (replacement.total === 0) {
    finish(world, group, "succeeded", toMs(replacement.batchStartedAt), end);
    return true;
  }
  const batch = group.instances.filter((i) => replacement.batch.includes(i.instanceId));
  if (replacement.failing) {
    const givenUpAt = toMs(replacement.batchStartedAt) + HEALTH_CHECK_GRACE_MS;
    if (givenUpAt > now) return false;
    for (const instance of batch) retireInstance(instance, keyedAt(givenUpAt));
    note(
      world,
      group,
      givenUpAt,
      `${batch.length} new instance(s) failed their health checks within ${HEALTH_CHECK_GRACE_MS / MINUTE} minutes.`,
    );
    finish(world, group, "failed", givenUpAt, end);
    return true;
  }
  // A scale-in meanwhile may have taken some of the batch: what is left of it counts.
  const arrived = batch.filter((i) => i.lifecycleState !== "Terminating");
  const readyAt = Math.max(toMs(replacement.batchStartedAt), ...arrived.map((i) => toMs(i.inServiceAt)));
  if (readyAt > now) return false;
  // Oldest first, like a refresh's default order; as many as came in service but never below the
  // desired capacity, which scaling may have changed meanwhile.
  const live = liveInstances(group).length;
  const retiring = oldInstances(group, replacement)
    .sort((a, b) => toMs(a.launchedAt) - toMs(b.launchedAt))
    .slice(0, Math.min(arrived.length, Math.max(0, live - group.desiredCapacity)));
  for (const instance of retiring) retireInstance(instance, keyedAt(readyAt));
  replacement.replaced += retiring.length;
  replacement.batch = [];
  if (oldInstances(group, replacement).length === 0) {
    // Scaling out meanwhile launched old-type instances no more: top the group up with the new type.
    const ctx = keyedAt(readyAt);
    while (liveInstances(group).length < group.desiredCapacity)
      launchInstance(world, group, ctx, replacement.instanceType);
    finish(world, group, "succeeded", readyAt, end);
  } else launchBatch(world, group, replacement, readyAt, note);
  return true;
}

function finish(
  world: SimWorld,
  group: SimAutoScalingGroup,
  outcome: "succeeded" | "failed",
  at: number,
  end: ReplacementEnd,
) {
  end(world, group, outcome, at);
  group.replacement = null;
}
