import {
  isAwsRegion,
  MAX_BACKUP_RETENTION_DAYS,
  type ReplicatedBackup,
  regionOfArn,
  type StartBackupReplicationRequest,
} from "@fastier/core";
import { restorableWindow } from "./simDatabases.ts";
import { simError } from "./simErrors.ts";
import type { SimChange, SimContext, SimDbInstance, SimReplicatedBackup, SimWorld } from "./simState.ts";
import { DAY, MINUTE, toIso, toMs } from "./simTime.ts";

/** RDS copies the latest snapshot across first: the destination reports `replicating` once it has arrived. */
export const FIRST_COPY_MS = 10 * MINUTE;
/** Transaction logs reach the destination a few minutes after the source can restore to them. */
export const REPLICATED_LAG_MS = 5 * MINUTE;

function refuseRegion(world: SimWorld, destinationRegion: string) {
  if (!isAwsRegion(destinationRegion)) {
    throw simError("invalid_request", "rds", "InvalidParameterValue", `${destinationRegion} is not a region.`);
  }
  if (destinationRegion === world.region) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterCombination",
      "The source DB instance is in the destination region; replicate to another region.",
    );
  }
}

function sourceByArn(world: SimWorld, sourceArn: string): SimDbInstance {
  const db = world.databases.find((candidate) => candidate.arn === sourceArn);
  if (!db) throw simError("not_found", "rds", "DBInstanceNotFound", `DBInstance ${sourceArn} not found.`);
  return db;
}

const replicationOf = (world: SimWorld, destinationRegion: string, sourceArn: string) =>
  world.replicatedBackups.find((r) => r.destinationRegion === destinationRegion && r.sourceArn === sourceArn);

/**
 * The destination's restore window: from when replication started (or the retention's
 * start, if later) to a few minutes behind the source's latest restorable time.
 * None before the first copy arrived or while the source keeps no backups.
 */
export function replicatedWindow(
  replication: SimReplicatedBackup,
  source: SimDbInstance | undefined,
  now: number,
): { earliest: number; latest: number } | null {
  if (now < toMs(replication.replicatingAt) || !source) return null;
  const sourceWindow = restorableWindow(source, now);
  if (!sourceWindow) return null;
  const latest = sourceWindow.latest - REPLICATED_LAG_MS;
  const earliest = Math.max(toMs(replication.startedAt), now - replication.retentionDays * DAY);
  return latest >= earliest ? { earliest, latest } : null;
}

function describeReplication(world: SimWorld, replication: SimReplicatedBackup, now: number): ReplicatedBackup {
  const source = world.databases.find((db) => db.arn === replication.sourceArn);
  const window = replicatedWindow(replication, source, now);
  return {
    sourceIdentifier: replication.sourceIdentifier,
    sourceArn: replication.sourceArn,
    sourceRegion: regionOfArn(replication.sourceArn) ?? world.region,
    destinationRegion: replication.destinationRegion,
    arn: `arn:aws:rds:${replication.destinationRegion}:${world.awsAccountId}:auto-backup:ab-${replication.sourceIdentifier}`,
    status: now < toMs(replication.replicatingAt) ? "pending" : "replicating",
    retentionDays: replication.retentionDays,
    kmsKeyId: replication.kmsKeyId,
    earliestRestorableTime: window ? new Date(window.earliest) : null,
    latestRestorableTime: window ? new Date(window.latest) : null,
  };
}

export function describeReplicatedBackup(
  world: SimWorld,
  now: number,
  destinationRegion: string,
  sourceArn: string,
): ReplicatedBackup | null {
  refuseRegion(world, destinationRegion);
  const replication = replicationOf(world, destinationRegion, sourceArn);
  return replication ? describeReplication(world, replication, now) : null;
}

/** Every replication out of one source instance, for discovery. */
export function replicationsOfSource(world: SimWorld, db: SimDbInstance, now: number): ReplicatedBackup[] {
  return world.replicatedBackups.filter((r) => r.sourceArn === db.arn).map((r) => describeReplication(world, r, now));
}

/** Refused as RDS refuses: a read replica, no backups, an encrypted source without a key there, or a second start. */
export function startReplication(
  world: SimWorld,
  ctx: SimContext,
  destinationRegion: string,
  request: StartBackupReplicationRequest,
): SimChange<ReplicatedBackup> {
  refuseRegion(world, destinationRegion);
  const next = structuredClone(world);
  const source = sourceByArn(next, request.sourceArn);
  if (source.readReplicaSourceIdentifier !== null) {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      "Automated backups of a read replica cannot be replicated.",
    );
  }
  if (source.backupRetentionDays === 0) {
    throw simError(
      "invalid_state",
      "rds",
      "InvalidDBInstanceState",
      "The source DB instance has automated backups turned off.",
    );
  }
  if (!(request.retentionDays >= 1 && request.retentionDays <= MAX_BACKUP_RETENTION_DAYS)) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterValue",
      "BackupRetentionPeriod must be between 1 and 35.",
    );
  }
  if (source.storageEncrypted && request.kmsKeyId === undefined) {
    throw simError(
      "invalid_request",
      "rds",
      "InvalidParameterCombination",
      "KmsKeyId is required for an encrypted source.",
    );
  }
  if (request.kmsKeyId !== undefined && regionOfArn(request.kmsKeyId) !== destinationRegion) {
    throw simError(
      "invalid_request",
      "rds",
      "KMSKeyNotAccessibleFault",
      "The KMS key is not in the destination region.",
    );
  }
  if (replicationOf(next, destinationRegion, request.sourceArn)) {
    throw simError(
      "invalid_state",
      "rds",
      "DBInstanceAutomatedBackupQuotaExceeded",
      `Automated backups of ${source.identifier} already replicate to ${destinationRegion}.`,
    );
  }
  const replication: SimReplicatedBackup = {
    sourceIdentifier: source.identifier,
    sourceArn: source.arn,
    destinationRegion,
    retentionDays: request.retentionDays,
    kmsKeyId: request.kmsKeyId ?? null,
    startedAt: toIso(ctx.now),
    replicatingAt: toIso(ctx.now + FIRST_COPY_MS),
  };
  next.replicatedBackups.push(replication);
  return { world: next, result: describeReplication(next, replication, ctx.now) };
}

/** The simulation does not keep what was replicated once stopped: the entry goes at once. */
export function stopReplication(
  world: SimWorld,
  ctx: SimContext,
  destinationRegion: string,
  sourceArn: string,
): SimChange<ReplicatedBackup> {
  refuseRegion(world, destinationRegion);
  const next = structuredClone(world);
  const replication = replicationOf(next, destinationRegion, sourceArn);
  if (!replication) {
    throw simError(
      "not_found",
      "rds",
      "DBInstanceAutomatedBackupNotFound",
      `No automated backups of ${sourceArn} replicate to ${destinationRegion}.`,
    );
  }
  const stopped = { ...describeReplication(next, replication, ctx.now), status: "retained" };
  next.replicatedBackups = next.replicatedBackups.filter((r) => r !== replication);
  return { world: next, result: stopped };
}
