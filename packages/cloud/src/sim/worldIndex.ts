import { type ServiceInterval, ServingCounts } from "./servingCounts.ts";
import type { SimAutoScalingGroup, SimInstance, SimWorld } from "./simState.ts";
import { toMs } from "./simTime.ts";

/**
 * Lookups over one world object, built once and kept beside it: groups by
 * name, instances by id, and each instance's service interval as numbers.
 * GetMetricData asks about thousands of groups and instances at dozens of
 * times each; scanning the fleet and parsing ISO times for every one of those
 * costs seconds on a large fleet.
 *
 * A world is never changed once read (changes work on a clone, see
 * worldTransitions.ts and the operations), so an index stays true for the
 * object it was built from and goes away with it.
 */
export interface WorldIndex {
  groupsByName: Map<string, IndexedGroup>;
  instancesById: Map<string, IndexedInstance>;
  groups: IndexedGroup[];
  /** Instances serving in every group at a time: the web tier the databases see. */
  fleetServing: ServingCounts;
  /** The same per Beanstalk environment (the groups it owns), made when first asked for. */
  environmentServing: Map<string, ServingCounts>;
}

export interface IndexedGroup {
  group: SimAutoScalingGroup;
  /** Current then retired instances, in the order the world lists them. */
  members: IndexedInstance[];
  serving: ServingCounts;
}

export interface IndexedInstance extends ServiceInterval {
  instance: SimInstance;
  group: IndexedGroup;
}

const indexes = new WeakMap<SimWorld, WorldIndex>();

export function indexWorld(world: SimWorld): WorldIndex {
  let index = indexes.get(world);
  if (!index) {
    index = buildIndex(world);
    indexes.set(world, index);
  }
  return index;
}

function buildIndex(world: SimWorld): WorldIndex {
  const groupsByName = new Map<string, IndexedGroup>();
  const instancesById = new Map<string, IndexedInstance>();
  const groups = world.groups.map((group) => {
    const members: IndexedInstance[] = [];
    // `serving` is counted once the members are known; they refer back to the group.
    const indexed: IndexedGroup = { group, members, serving: EMPTY };
    for (const instance of [...group.instances, ...group.retiredInstances]) {
      const member: IndexedInstance = {
        instance,
        group: indexed,
        inServiceMs: toMs(instance.inServiceAt),
        terminatingMs: instance.terminatingAt === null ? Number.POSITIVE_INFINITY : toMs(instance.terminatingAt),
      };
      members.push(member);
      // The first match wins, as a scan in world order would find it.
      if (!instancesById.has(instance.instanceId)) instancesById.set(instance.instanceId, member);
    }
    indexed.serving = new ServingCounts(members);
    if (!groupsByName.has(group.name)) groupsByName.set(group.name, indexed);
    return indexed;
  });
  const fleetServing = new ServingCounts(groups.flatMap((group) => group.members));
  return { groupsByName, instancesById, groups, fleetServing, environmentServing: new Map() };
}

const EMPTY = new ServingCounts([]);

/** Whether an instance was taking traffic at `time`: after it passed health checks, before scale-in picked it. */
export const servingAt = (member: IndexedInstance, time: number): boolean =>
  member.inServiceMs <= time && time < member.terminatingMs;

/** The same, on an instance of a world being changed (no index: it would be stale at once). */
export const instanceServingAt = (instance: SimInstance, time: number): boolean =>
  toMs(instance.inServiceAt) <= time && (instance.terminatingAt === null || time < toMs(instance.terminatingAt));

export const countServingAt = (group: IndexedGroup, time: number): number => group.serving.at(time);

/** Instances serving at `time` in the groups the Beanstalk environment `environmentId` owns. */
export function countServingInEnvironment(index: WorldIndex, environmentId: string, time: number): number {
  let counts = index.environmentServing.get(environmentId);
  if (!counts) {
    const owned = index.groups.filter(({ group }) => group.parentCloudId === environmentId);
    counts = new ServingCounts(owned.flatMap((group) => group.members));
    index.environmentServing.set(environmentId, counts);
  }
  return counts.at(time);
}
