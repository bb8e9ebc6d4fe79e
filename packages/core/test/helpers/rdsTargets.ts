import type { ManualClock } from "@fastier/cloud";
import type {
  CloudPort,
  DatabasePort,
  Operation,
  OperationDefinition,
  Resource,
  StepOutcome,
} from "../../src/index.ts";
import { FASTIER_PRODUCTION_RESOURCES } from "../../src/index.ts";

/** A db_instance of the example inventory as the operations receive it: the simulator seeds the same ones. */
export function dbTarget(cloudId: string, id = `res-${cloudId}`): Resource {
  const seed = FASTIER_PRODUCTION_RESOURCES.find((r) => r.kind === "db_instance" && r.cloudId === cloudId);
  if (!seed) throw new Error(`the example inventory has no db_instance ${cloudId}`);
  return { ...seed, id, environmentId: "env-1", status: "active", parentId: null } as unknown as Resource;
}

/**
 * The cloud with one database method counted, to prove a repeated step does
 * not repeat a cloud call. Everything else passes through.
 */
export function countingDatabaseCalls(
  cloud: CloudPort,
  method: "promoteReadReplica" | "restoreToPointInTime" | "createSnapshot",
): { cloud: CloudPort; calls: () => number } {
  let calls = 0;
  const databases: DatabasePort = {
    describeInstances: (ids) => cloud.databases.describeInstances(ids),
    promoteReadReplica: (id) => cloud.databases.promoteReadReplica(id),
    restoreToPointInTime: (request) => cloud.databases.restoreToPointInTime(request),
    createSnapshot: (db, snapshot) => cloud.databases.createSnapshot(db, snapshot),
    describeSnapshots: (filter) => cloud.databases.describeSnapshots(filter),
    setMultiAz: (id, multiAz) => cloud.databases.setMultiAz(id, multiAz),
  };
  const original = databases[method] as (...args: unknown[]) => Promise<unknown>;
  (databases as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    calls += 1;
    return original(...args);
  };
  return { cloud: { ...cloud, databases }, calls: () => calls };
}

/** Steps a stored operation to its end the way driveOperation does, without planning first. */
export async function resumeOperation<P>(
  definition: OperationDefinition<P>,
  operation: Operation & { params: P },
  target: Resource,
  cloud: CloudPort,
  clock: ManualClock,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (let i = 0; i < 500; i += 1) {
    const outcome = await definition.step({ operation, target, cloud, now: clock.now() });
    outcomes.push(outcome);
    if (outcome.type === "advance") {
      operation.step = outcome.step;
      operation.state = { ...operation.state, ...outcome.state };
    } else if (outcome.type === "wait") {
      operation.state = { ...operation.state, ...outcome.state };
      clock.advance(outcome.recheckAfterMs);
    } else {
      return outcomes;
    }
  }
  throw new Error(`${definition.kind} did not finish within 500 steps`);
}
