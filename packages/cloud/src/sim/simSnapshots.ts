import type { DbSnapshot } from "@fastier/core";
import { findDatabase, isValidRdsIdentifier, normaliseIdentifier } from "./simDatabases.ts";
import { simError } from "./simErrors.ts";
import type { SimChange, SimContext, SimDbInstance, SimDbSnapshot, SimWorld } from "./simState.ts";
import { DAY, MINUTE, toDate, toIso, toMs } from "./simTime.ts";

const SNAPSHOT_MS = 4 * MINUTE;
/** The daily automated backup runs in the instance's backup window. */
const BACKUP_WINDOW_OFFSET_MS = 3 * 60 * MINUTE;

export function createSnapshot(
  world: SimWorld,
  ctx: SimContext,
  instanceIdentifier: string,
  snapshotIdentifier: string,
): SimChange<DbSnapshot> {
  const next = structuredClone(world);
  const snapshotId = normaliseIdentifier(snapshotIdentifier);
  if (!isValidRdsIdentifier(snapshotId)) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterValue",
      `The parameter DBSnapshotIdentifier is not a valid identifier (${snapshotIdentifier}). Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  const db = findDatabase(next, instanceIdentifier);
  if (next.snapshots.some((snapshot) => snapshot.identifier === snapshotId)) {
    throw simError(
      "invalid_request",
      "rds",
      "DBSnapshotAlreadyExists",
      `Cannot create the snapshot because a snapshot with the identifier ${snapshotId} already exists.`,
    );
  }
  if (db.status !== "available") {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      `Cannot create a snapshot because the database instance ${db.identifier} is not currently in the available state (it is ${db.status}).`,
    );
  }
  const snapshot: SimDbSnapshot = {
    identifier: snapshotId,
    dbInstanceIdentifier: db.identifier,
    status: "creating",
    startedAt: toIso(ctx.now),
    completesAt: toIso(ctx.now + SNAPSHOT_MS),
    percentProgress: 0,
  };
  next.snapshots.push(snapshot);
  return { world: next, result: describeManualSnapshot(snapshot) };
}

const describeManualSnapshot = (snapshot: SimDbSnapshot): DbSnapshot => ({
  identifier: snapshot.identifier,
  dbInstanceIdentifier: snapshot.dbInstanceIdentifier,
  status: snapshot.status,
  type: "manual",
  createdAt: toDate(snapshot.startedAt),
  percentProgress: snapshot.percentProgress,
});

/**
 * The daily automated snapshots still within the retention period. They are a
 * pure function of the instance and the time, so they need no stored state.
 */
export function automatedSnapshots(db: SimDbInstance, now: number): DbSnapshot[] {
  if (db.backupRetentionDays === 0 || db.backupsSince === null) return [];
  const from = Math.max(toMs(db.backupsSince), now - db.backupRetentionDays * DAY);
  const snapshots: DbSnapshot[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day + BACKUP_WINDOW_OFFSET_MS <= now; day += DAY) {
    const takenAt = day + BACKUP_WINDOW_OFFSET_MS;
    if (takenAt < from) continue;
    const stamp = toIso(takenAt).slice(0, 16).replace("T", "-").replace(":", "-");
    snapshots.push({
      identifier: `rds:${db.identifier}-${stamp}`,
      dbInstanceIdentifier: db.identifier,
      status: "available",
      type: "automated",
      createdAt: new Date(takenAt),
      percentProgress: 100,
    });
  }
  return snapshots;
}

/** Like DescribeDBSnapshots: a named snapshot must exist; an instance filter may match nothing. */
export function describeSnapshots(
  world: SimWorld,
  now: number,
  filter: { instanceIdentifier?: string; snapshotIdentifier?: string },
): DbSnapshot[] {
  const all = [
    ...world.databases.flatMap((db) => automatedSnapshots(db, now)),
    ...world.snapshots.map(describeManualSnapshot),
  ];
  const instanceId = filter.instanceIdentifier && normaliseIdentifier(filter.instanceIdentifier);
  const snapshotId = filter.snapshotIdentifier && normaliseIdentifier(filter.snapshotIdentifier);
  const matching = all.filter(
    (snapshot) =>
      (!instanceId || snapshot.dbInstanceIdentifier === instanceId) &&
      (!snapshotId || snapshot.identifier === snapshotId),
  );
  if (snapshotId && matching.length === 0) {
    throw simError("not_found", "rds", "DBSnapshotNotFound", `DBSnapshot ${filter.snapshotIdentifier} not found.`);
  }
  return matching.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
}

/** Moves manual snapshots along on a draft world: progress rises with time until they are available. */
export function applySnapshotProgress(world: SimWorld, now: number): void {
  for (const snapshot of world.snapshots) {
    if (snapshot.status !== "creating") continue;
    const started = toMs(snapshot.startedAt);
    const completes = toMs(snapshot.completesAt);
    if (now >= completes) {
      snapshot.status = "available";
      snapshot.percentProgress = 100;
    } else {
      snapshot.percentProgress = Math.min(99, Math.floor(((now - started) / (completes - started)) * 100));
    }
  }
}
