import {
  type DbInstanceModification,
  type DbInstanceState,
  type DbModifyOptions,
  MAX_BACKUP_RETENTION_DAYS,
  RDS_CLASSES,
  type RestoreToPointInTimeRequest,
  rdsClassOf,
} from "@fastier/core";
import { simError } from "./simErrors.ts";
import type { SimChange, SimContext, SimDbInstance, SimWorld } from "./simState.ts";
import { DAY, MINUTE, toDate, toIso, toMs } from "./simTime.ts";

const PROMOTION_MS = 3 * MINUTE;
/** Creating the instance from the daily snapshot; the log replay comes on top (restoreDurationMs). */
const RESTORE_FROM_SNAPSHOT_MS = 10 * MINUTE;
/** Replaying a day of transaction logs takes RDS about 24 minutes for a database of Fastier's size. */
const REPLAY_MS_PER_LOG_HOUR = MINUTE;
/** DeleteDBInstance without a final snapshot: a few minutes `deleting`, then gone. */
const DELETE_MS = 4 * MINUTE;
const MULTI_AZ_CHANGE_MS = 5 * MINUTE;
const MODIFY_MS = 5 * MINUTE;
/** Turning automated backups on or off restarts the instance: a short outage. */
const BACKUP_RESTART_MS = 2 * MINUTE;
/**
 * What RDS gives a restored instance for each setting the request leaves out: Single-AZ, the default
 * VPC's subnet group and security group, the engine's default parameter group, and gp2 storage.
 */
export const RESTORE_DEFAULTS = {
  multiAz: false,
  dbSubnetGroupName: "default",
  vpcSecurityGroupIds: ["sg-0default000000001"],
  storageType: "gp2",
} as const;
export const defaultParameterGroupOf = (engine: string, engineVersion: string) =>
  `default.${engine}${engineVersion.split(".")[0]}`;
/** RDS ships transaction logs every five minutes, so the newest restorable point trails now by that much. */
export const LATEST_RESTORABLE_LAG_MS = 5 * MINUTE;
/** PromoteReadReplica's default BackupRetentionPeriod. */
const PROMOTED_BACKUP_RETENTION_DAYS = 1;

/** RDS identifiers are case-insensitive and stored in lower case. */
export const normaliseIdentifier = (identifier: string) => identifier.toLowerCase();

const VALID_IDENTIFIER = /^[a-z][a-z0-9-]{0,62}$/;
export const isValidRdsIdentifier = (identifier: string) =>
  VALID_IDENTIFIER.test(identifier) && !identifier.includes("--") && !identifier.endsWith("-");

export function findDatabase(world: SimWorld, identifier: string): SimDbInstance {
  const id = normaliseIdentifier(identifier);
  const db = world.databases.find((candidate) => candidate.identifier === id);
  if (!db) throw simError("not_found", "rds", "DBInstanceNotFound", `DBInstance ${identifier} not found.`);
  return db;
}

/** The span a point-in-time restore may target; none without automated backups or before the first one. */
export function restorableWindow(db: SimDbInstance, now: number): { earliest: number; latest: number } | null {
  if (db.backupRetentionDays === 0 || db.backupsSince === null) return null;
  const latest = now - LATEST_RESTORABLE_LAG_MS;
  const earliest = Math.max(toMs(db.backupsSince), now - db.backupRetentionDays * DAY);
  return latest >= earliest ? { earliest, latest } : null;
}

export function describeDatabase(world: SimWorld, db: SimDbInstance, now: number): DbInstanceState {
  const window = restorableWindow(db, now);
  return {
    identifier: db.identifier,
    arn: db.arn,
    status: db.status,
    instanceClass: db.instanceClass,
    engine: db.engine,
    engineVersion: db.engineVersion,
    multiAz: db.multiAz,
    backupRetentionDays: db.backupRetentionDays,
    availabilityZone: db.availabilityZone,
    readReplicaSourceIdentifier: db.readReplicaSourceIdentifier,
    readReplicaIdentifiers: replicasOf(world, db.identifier),
    earliestRestorableTime: window ? new Date(window.earliest) : null,
    latestRestorableTime: window ? new Date(window.latest) : null,
    endpoint: endpointAddressOf(db),
    storageEncrypted: db.storageEncrypted,
    storageType: db.storageType,
    dbSubnetGroupName: db.dbSubnetGroupName,
    vpcSecurityGroupIds: [...db.vpcSecurityGroupIds],
    dbParameterGroupName: db.dbParameterGroupName,
    tags: { ...db.tags },
    createdAt: toDate(db.createdAt),
    ...pendingOf(db),
  };
}

/** What RDS lists under PendingModifiedValues: a held change, or one accepted and not yet applied. */
function pendingOf(db: SimDbInstance): Pick<DbInstanceState, "pendingModifiedValues"> {
  const held = db.heldModification;
  if (!held) return {};
  const values = Object.fromEntries(
    (["multiAz", "backupRetentionDays", "instanceClass"] as const)
      .filter((key) => held[key] !== undefined)
      .map((key) => [key, held[key]]),
  );
  return Object.keys(values).length > 0 ? { pendingModifiedValues: values } : {};
}

export const replicasOf = (world: SimWorld, identifier: string): string[] =>
  world.databases.filter((db) => db.readReplicaSourceIdentifier === identifier).map((db) => db.identifier);

/** No endpoint until the instance has been created. */
export const endpointAddressOf = (db: SimDbInstance): string | null =>
  db.pendingChange?.kind === "create" ? null : db.endpointHost;

/** Role as the inventory (and the AWS adapter) derives it from replication. */
export function roleOf(world: SimWorld, db: SimDbInstance): "primary" | "replica" | "standalone" {
  if (db.readReplicaSourceIdentifier) return "replica";
  return replicasOf(world, db.identifier).length > 0 ? "primary" : "standalone";
}

export function describeDatabases(world: SimWorld, now: number, identifiers?: string[]): DbInstanceState[] {
  const found = identifiers ? identifiers.map((id) => findDatabase(world, id)) : world.databases;
  return [...found]
    .sort((a, b) => a.identifier.localeCompare(b.identifier))
    .map((db) => describeDatabase(world, db, now));
}

function requireAvailable(db: SimDbInstance) {
  if (db.status !== "available") {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      `DB instance ${db.identifier} is ${db.status}, not available; wait for the current change to finish.`,
    );
  }
}

/** Promotion cannot be undone: the replica stops replicating and becomes a standalone instance with its own backups. */
export function promoteReadReplica(world: SimWorld, ctx: SimContext, identifier: string): SimChange<DbInstanceState> {
  const next = structuredClone(world);
  const db = findDatabase(next, identifier);
  if (db.readReplicaSourceIdentifier === null) {
    throw simError("invalid_state", "rds", "InvalidDBInstanceState", "DB Instance is not a read replica.");
  }
  requireAvailable(db);
  db.status = "modifying";
  db.pendingChange = { kind: "promote", completesAt: toIso(ctx.now + PROMOTION_MS) };
  return { world: next, result: describeDatabase(next, db, ctx.now) };
}

export function setMultiAz(
  world: SimWorld,
  ctx: SimContext,
  identifier: string,
  multiAz: boolean,
): SimChange<DbInstanceState> {
  const next = structuredClone(world);
  const db = findDatabase(next, identifier);
  requireAvailable(db);
  // Asking for what is already there is accepted and changes nothing, as ModifyDBInstance does.
  if (db.multiAz !== multiAz) {
    db.status = "modifying";
    db.pendingChange = { kind: "multi-az", multiAz, completesAt: toIso(ctx.now + MULTI_AZ_CHANGE_MS) };
  }
  return { world: next, result: describeDatabase(next, db, ctx.now) };
}

/**
 * ModifyDBInstance. Applied immediately (the default): the instance is `modifying` for a while, then
 * has the new settings; a Multi-AZ conversion or a class change takes minutes, turning backups on or
 * off restarts it briefly, a retention change between two non-zero values applies at once. Without
 * ApplyImmediately, what RDS holds for the maintenance window is held (and shown as pending).
 */
export function modifyInstance(
  world: SimWorld,
  ctx: SimContext,
  identifier: string,
  modification: DbInstanceModification,
  options: DbModifyOptions = {},
): SimChange<DbInstanceState> {
  const next = structuredClone(world);
  const db = findDatabase(next, identifier);
  requireAvailable(db);
  if (modification.instanceClass !== undefined) requireKnownClass(modification.instanceClass, db.engine);
  if (modification.vpcSecurityGroupIds?.length === 0) {
    throw simError("invalid_request", "rds", "InvalidParameterValue", "VpcSecurityGroupIds must not be empty.");
  }
  const retention = modification.backupRetentionDays;
  if (retention !== undefined) requireValidRetention(next, db, retention);
  const defined = Object.fromEntries(
    Object.entries(modification).filter(([, value]) => value !== undefined),
  ) as DbInstanceModification;
  const { backupRetentionDays, ...rest } = defined;
  // Between two non-zero values RDS applies a retention change at once, whatever ApplyImmediately says.
  const retentionNow =
    backupRetentionDays !== undefined && backupRetentionDays !== 0 && db.backupRetentionDays !== 0
      ? backupRetentionDays
      : undefined;
  if (retentionNow !== undefined) db.backupRetentionDays = retentionNow;
  const restarting = backupRetentionDays !== undefined && retentionNow === undefined;
  const slow: DbInstanceModification = {
    ...rest,
    ...(restarting && backupRetentionDays !== db.backupRetentionDays ? { backupRetentionDays } : {}),
  };
  // Asking for nothing (or what is already there) is accepted and changes nothing, as ModifyDBInstance does.
  if (Object.keys(slow).length === 0) return { world: next, result: describeDatabase(next, db, ctx.now) };
  if (options.applyImmediately === false) {
    db.heldModification = { ...db.heldModification, ...slow };
    return { world: next, result: describeDatabase(next, db, ctx.now) };
  }
  // Applying immediately takes what was held for the window along, as RDS does.
  const applied = { ...db.heldModification, ...slow };
  delete db.heldModification;
  const onlyRestart = Object.keys(applied).length === 1 && applied.backupRetentionDays !== undefined;
  db.status = onlyRestart ? "rebooting" : "modifying";
  db.pendingChange = {
    kind: "modify",
    modification: applied,
    completesAt: toIso(ctx.now + (onlyRestart ? BACKUP_RESTART_MS : MODIFY_MS)),
  };
  return { world: next, result: describeDatabase(next, db, ctx.now) };
}

function requireValidRetention(world: SimWorld, db: SimDbInstance, days: number) {
  if (!Number.isInteger(days) || days < 0 || days > MAX_BACKUP_RETENTION_DAYS) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterValue",
      `Invalid backup retention period: ${days}. Must be between 0 and ${MAX_BACKUP_RETENTION_DAYS}.`,
    );
  }
  if (days === 0 && replicasOf(world, db.identifier).length > 0) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterCombination",
      `Cannot set the backup retention period of ${db.identifier} to 0 while it has read replicas.`,
    );
  }
}

function requireKnownClass(instanceClass: string, engine: string) {
  if (!rdsClassOf(instanceClass)) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterCombination",
      `RDS does not support creating a DB instance with the following combination: DBInstanceClass=${instanceClass}, Engine=${engine}. Known classes: ${Object.keys(RDS_CLASSES).join(", ")}.`,
    );
  }
}

/**
 * A restore builds the instance from the last daily snapshot (taken at 00:00 UTC in the simulation)
 * and replays the logs from there to the restore time, so a restore to late in the day takes longer:
 * 10 minutes plus one per hour of logs, 10 to 34 minutes.
 */
export function restoreDurationMs(restoreTime: number): number {
  const sinceSnapshot = restoreTime - Math.floor(restoreTime / DAY) * DAY;
  return RESTORE_FROM_SNAPSHOT_MS + Math.round((sinceSnapshot / (60 * MINUTE)) * REPLAY_MS_PER_LOG_HOUR);
}

/** Statuses RDS refuses DeleteDBInstance in: the change under way has to finish first. */
const UNDELETABLE_STATUSES = new Set(["creating", "modifying", "rebooting", "deleting"]);

/**
 * DeleteDBInstance with SkipFinalSnapshot (and its automated backups): `deleting`, then gone.
 * Refused for a source of read replicas and while a change is under way, as RDS does.
 */
export function deleteInstanceWithoutSnapshot(
  world: SimWorld,
  ctx: SimContext,
  identifier: string,
): SimChange<DbInstanceState> {
  const next = structuredClone(world);
  const db = findDatabase(next, identifier);
  if (UNDELETABLE_STATUSES.has(db.status)) {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      `Instance ${db.identifier} is currently ${db.status}; it cannot be deleted until that finishes.`,
    );
  }
  if (replicasOf(next, db.identifier).length > 0) {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      `Cannot delete ${db.identifier}: it is the source of read replicas.`,
    );
  }
  db.status = "deleting";
  db.pendingChange = { kind: "delete", completesAt: toIso(ctx.now + DELETE_MS) };
  return { world: next, result: describeDatabase(next, db, ctx.now) };
}

export function restoreToPointInTime(
  world: SimWorld,
  ctx: SimContext,
  request: RestoreToPointInTimeRequest,
): SimChange<DbInstanceState> {
  const next = structuredClone(world);
  const source = findDatabase(next, request.sourceIdentifier);
  const targetId = normaliseIdentifier(request.targetIdentifier);
  if (!isValidRdsIdentifier(targetId)) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterValue",
      `The parameter TargetDBInstanceIdentifier is not a valid identifier (${request.targetIdentifier}). Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  if (next.databases.some((db) => db.identifier === targetId)) {
    throw simError(
      "invalid_request",
      "rds",
      "DBInstanceAlreadyExists",
      `DBInstanceAlreadyExists: DB instance ${targetId} already exists.`,
    );
  }
  const hasTime = request.restoreTime !== undefined;
  const useLatest = request.useLatestRestorableTime === true;
  if (hasTime === useLatest) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterCombination",
      hasTime
        ? "Cannot specify both RestoreTime and UseLatestRestorableTime."
        : "Specify exactly one of RestoreTime and UseLatestRestorableTime.",
    );
  }
  const instanceClass = request.instanceClass ?? source.instanceClass;
  requireKnownClass(instanceClass, source.engine);
  const window = restorableWindow(source, ctx.now);
  if (!window) {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      `DB instance ${source.identifier} has no automated backups to restore from (backup retention ${source.backupRetentionDays} days).`,
    );
  }
  const restoreTime = useLatest ? window.latest : (request.restoreTime as Date).getTime();
  if (Number.isNaN(restoreTime) || restoreTime < window.earliest || restoreTime > window.latest) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidRestoreFault",
      `Restore time ${Number.isNaN(restoreTime) ? "(invalid)" : toIso(restoreTime)} is outside the restorable window of ${source.identifier}: earliest restorable time ${toIso(window.earliest)}, latest restorable time ${toIso(window.latest)}.`,
    );
  }
  const multiAz = request.multiAz ?? RESTORE_DEFAULTS.multiAz;
  const restored: SimDbInstance = {
    identifier: targetId,
    arn: `arn:aws:rds:${next.region}:${next.awsAccountId}:db:${targetId}`,
    workload: "idle",
    status: "creating",
    instanceClass,
    engine: source.engine,
    engineVersion: source.engineVersion,
    multiAz,
    backupRetentionDays: source.backupRetentionDays,
    availabilityZone: source.availabilityZone,
    secondaryAvailabilityZone: source.secondaryAvailabilityZone,
    readReplicaSourceIdentifier: null,
    endpointHost: targetId + source.endpointHost.slice(source.endpointHost.indexOf(".")),
    storageEncrypted: source.storageEncrypted,
    storageType: request.storageType ?? RESTORE_DEFAULTS.storageType,
    dbSubnetGroupName: request.dbSubnetGroupName ?? RESTORE_DEFAULTS.dbSubnetGroupName,
    vpcSecurityGroupIds: [...(request.vpcSecurityGroupIds ?? RESTORE_DEFAULTS.vpcSecurityGroupIds)],
    dbParameterGroupName: request.dbParameterGroupName ?? defaultParameterGroupOf(source.engine, source.engineVersion),
    tags: { ...request.tags },
    createdAt: toIso(ctx.now),
    backupsSince: null,
    promotedAt: null,
    restoredFrom: { sourceIdentifier: source.identifier, restoreTime: toIso(restoreTime) },
    pendingChange: { kind: "create", completesAt: toIso(ctx.now + restoreDurationMs(restoreTime)) },
  };
  next.databases.push(restored);
  return { world: next, result: describeDatabase(next, restored, ctx.now) };
}

/** Completes every database change due by `now` on a draft world. */
export function applyDueDatabaseChanges(world: SimWorld, now: number): void {
  const isDeleted = (db: SimDbInstance) =>
    db.pendingChange?.kind === "delete" && toMs(db.pendingChange.completesAt) <= now;
  world.databases = world.databases.filter((db) => !isDeleted(db));
  for (const db of world.databases) {
    const change = db.pendingChange;
    if (!change || toMs(change.completesAt) > now) continue;
    if (change.kind === "delete") continue;
    if (change.kind === "promote") {
      db.readReplicaSourceIdentifier = null;
      db.backupRetentionDays = PROMOTED_BACKUP_RETENTION_DAYS;
      db.backupsSince = change.completesAt;
      db.promotedAt = change.completesAt;
    } else if (change.kind === "create") {
      db.backupsSince = change.completesAt;
    } else if (change.kind === "modify") {
      const { instanceClass, multiAz, vpcSecurityGroupIds, dbParameterGroupName, backupRetentionDays } =
        change.modification;
      if (instanceClass !== undefined) db.instanceClass = instanceClass;
      if (multiAz !== undefined) db.multiAz = multiAz;
      if (vpcSecurityGroupIds !== undefined) db.vpcSecurityGroupIds = [...vpcSecurityGroupIds];
      if (dbParameterGroupName !== undefined) db.dbParameterGroupName = dbParameterGroupName;
      if (backupRetentionDays !== undefined) {
        // Backups start (or stop) with the restart: no restore can reach back before it.
        db.backupsSince = backupRetentionDays === 0 ? null : change.completesAt;
        db.backupRetentionDays = backupRetentionDays;
      }
    } else {
      db.multiAz = change.multiAz;
    }
    db.status = "available";
    db.pendingChange = null;
  }
}
