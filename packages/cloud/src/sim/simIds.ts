import { hexFromDraws, unitHash, uuidFromDraws } from "./keyedRandom.ts";
import type { SimWorld } from "./simState.ts";

/**
 * New ids for things the simulator creates. Each takes the next number of the
 * world's sequence and hashes it with the account's salt: ids must above all
 * be unique, so they never come from an injected generator.
 */
function nextKey(world: SimWorld, kind: string): string {
  world.sequence += 1;
  return `${world.idSalt}:${kind}:${world.sequence}`;
}

/** `i-` and 17 hex digits, like current EC2 instance ids. */
export const newInstanceId = (world: SimWorld): string =>
  `i-0${hexFromDraws(unitHash, nextKey(world, "instance"), 16)}`;

export const newExecutionId = (world: SimWorld): string => uuidFromDraws(unitHash, nextKey(world, "execution"));

/** A git commit id, for executions started without a revision. */
export const newCommitId = (world: SimWorld): string => hexFromDraws(unitHash, nextKey(world, "commit"), 40);

/** An instance refresh id (a UUID, like Auto Scaling's). */
export const newRefreshId = (world: SimWorld): string => uuidFromDraws(unitHash, nextKey(world, "refresh"));
