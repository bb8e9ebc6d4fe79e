import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { DbInstanceState, DbSnapshot } from "../../cloud/cloudTypes.ts";
import { NotFoundError } from "../../errors.ts";
import type { DatabaseSpec, DbRole } from "../../inventory/types.ts";

/** The instance as the cloud sees it now; a NotFoundError when the cloud does not know it. */
export async function describeDbInstance(cloud: CloudPort, identifier: string): Promise<DbInstanceState> {
  const found = await findDbInstance(cloud, identifier);
  if (!found) throw new NotFoundError("db_instance", identifier);
  return found;
}

/** The instance, or null when the cloud answers not_found (a free identifier). Other errors pass through. */
export async function findDbInstance(cloud: CloudPort, identifier: string): Promise<DbInstanceState | null> {
  try {
    const [instance] = await cloud.databases.describeInstances([identifier]);
    return instance ?? null;
  } catch (error) {
    if (isCloudError(error) && error.kind === "not_found") return null;
    throw error;
  }
}

/** The snapshot, or null when the cloud answers not_found. Other errors pass through. */
export async function findSnapshot(cloud: CloudPort, snapshotIdentifier: string): Promise<DbSnapshot | null> {
  try {
    const [snapshot] = await cloud.databases.describeSnapshots({ snapshotIdentifier });
    return snapshot ?? null;
  } catch (error) {
    if (isCloudError(error) && error.kind === "not_found") return null;
    throw error;
  }
}

/** The replication role as the inventory records it, derived the way discovery derives it. */
export function roleOfInstance(instance: DbInstanceState): DbRole {
  if (instance.readReplicaSourceIdentifier) return "replica";
  return instance.readReplicaIdentifiers.length > 0 ? "primary" : "standalone";
}

/** The inventory's database record of an instance as the cloud reports it now. */
export function databaseSpecOf(instance: DbInstanceState): DatabaseSpec {
  return {
    role: roleOfInstance(instance),
    engine: instance.engine,
    engineVersion: instance.engineVersion,
    sourceDbIdentifier: instance.readReplicaSourceIdentifier,
    multiAz: instance.multiAz,
    backupRetentionDays: instance.backupRetentionDays,
    earliestRestorableTime: instance.earliestRestorableTime,
    latestRestorableTime: instance.latestRestorableTime,
  };
}

/**
 * Whether something found under an identifier this operation means to create
 * can be its own earlier attempt (a crash after the create call) rather than
 * someone else's: it must not predate the operation. A missing creation time
 * (RDS reports none while an instance is still being created) counts as ours.
 * One minute of slack absorbs clock skew between the control plane and the cloud.
 */
export function createdSince(createdAt: Date | null, operationCreatedAt: Date): boolean {
  return createdAt === null || createdAt.getTime() >= operationCreatedAt.getTime() - 60_000;
}
