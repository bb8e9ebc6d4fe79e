import type { ManualClock } from "@fastier/cloud";
import type {
  CloudPort,
  DatabasePort,
  Operation,
  RegisteredOperation,
  Resource,
  RestoreToPointInTimeRequest,
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
  method:
    | "promoteReadReplica"
    | "restoreToPointInTime"
    | "createSnapshot"
    | "modifyInstance"
    | "deleteInstanceWithoutSnapshot",
): { cloud: CloudPort; calls: () => number } {
  let calls = 0;
  const databases: DatabasePort = {
    describeInstances: (ids) => cloud.databases.describeInstances(ids),
    promoteReadReplica: (id) => cloud.databases.promoteReadReplica(id),
    restoreToPointInTime: (request) => cloud.databases.restoreToPointInTime(request),
    createSnapshot: (db, snapshot) => cloud.databases.createSnapshot(db, snapshot),
    describeSnapshots: (filter) => cloud.databases.describeSnapshots(filter),
    setMultiAz: (id, multiAz) => cloud.databases.setMultiAz(id, multiAz),
    modifyInstance: (id, modification, options) => cloud.databases.modifyInstance(id, modification, options),
    deleteInstanceWithoutSnapshot: (id) => cloud.databases.deleteInstanceWithoutSnapshot(id),
  };
  const original = databases[method] as (...args: unknown[]) => Promise<unknown>;
  (databases as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    calls += 1;
    return original(...args);
  };
  return { cloud: { ...cloud, databases }, calls: () => calls };
}

/**
 * A cloud that, like moto with `MultiAZ=false`, does not do all it was asked on a restore: the
 * named settings are dropped from the request, so the cloud applies its own defaults to them.
 */
export function cloudIgnoringRestoreSettings(
  cloud: CloudPort,
  ignored: (keyof RestoreToPointInTimeRequest)[],
): { cloud: CloudPort; restoreRequests: RestoreToPointInTimeRequest[] } {
  const restoreRequests: RestoreToPointInTimeRequest[] = [];
  const databases: DatabasePort = {
    ...countingDatabaseCalls(cloud, "restoreToPointInTime").cloud.databases,
    restoreToPointInTime: (request) => {
      restoreRequests.push(request);
      const kept = Object.fromEntries(Object.entries(request).filter(([key]) => !ignored.includes(key as never)));
      return cloud.databases.restoreToPointInTime(kept as unknown as RestoreToPointInTimeRequest);
    },
  };
  return { cloud: { ...cloud, databases }, restoreRequests };
}

/**
 * Steps a stored operation to its end the way driveOperation does, without planning first.
 * `crashAfter` drops the first outcome it matches unsaved, as a worker killed after the step's
 * cloud call and before the store recorded it: the same step then runs again.
 */
export async function resumeOperation<P>(
  definition: RegisteredOperation,
  operation: Operation & { params: P },
  target: Resource,
  cloud: CloudPort,
  clock: ManualClock,
  options: { crashAfter?: (outcome: StepOutcome) => boolean } = {},
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  let crashed = false;
  for (let i = 0; i < 500; i += 1) {
    const outcome = await definition.step({ operation, target, cloud, now: clock.now() });
    outcomes.push(outcome);
    if (!crashed && options.crashAfter?.(outcome)) {
      crashed = true;
      continue;
    }
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
