import type { Resource } from "../inventory/types.ts";
import {
  type DrBackupReplication,
  drBackupReplications,
  noBackupReplicationGap,
} from "./backupReplicationReadiness.ts";
import type { DrillGapCode } from "./drillEvidence.ts";

export type DrStatus = "ready" | "at_risk" | "not_ready";
/** `critical` makes a database not ready, `warning` at risk; `info` is worth knowing and changes nothing. */
export type DrGapSeverity = "critical" | "warning" | "info";

export type DrGapCode =
  | "no_multi_az"
  | "backup_retention_short"
  | "no_restorable_time"
  | "no_read_replica"
  | "replica_lag_high"
  | "replica_lag_unknown"
  | "database_details_missing"
  | "no_backup_replication"
  | "no_database"
  | DrillGapCode;

export interface DrGap {
  code: DrGapCode;
  severity: DrGapSeverity;
  message: string;
}

export interface DrReplica {
  identifier: string;
  resourceId: string;
  lagSeconds: number | null;
}

/** Seconds to get a writable database back, by recovery path; null where that path is not available. */
export interface DrRecoveryTimes {
  promoteReplicaSeconds: number | null;
  restorePointInTime: { minSeconds: number; maxSeconds: number } | null;
}

export interface DatabaseDrAssessment {
  identifier: string;
  resourceId: string;
  role: "primary" | "standalone";
  multiAz: boolean | null;
  backupRetentionDays: number | null;
  replicas: DrReplica[];
  /** Automated backups replicated to other regions: what survives the loss of the home region. */
  backupReplications: DrBackupReplication[];
  latestRestorableTime: Date | null;
  /** Data a restore would lose: seconds since the latest restorable time; null without backups. */
  estimatedRpoSeconds: number | null;
  estimatedRto: DrRecoveryTimes;
  gaps: DrGap[];
  status: DrStatus;
}

export interface DrReadinessReport {
  environmentName: string;
  assessedAt: Date;
  status: DrStatus;
  databases: DatabaseDrAssessment[];
  /** Gaps that concern the environment as a whole rather than one database. */
  gaps: DrGap[];
}

export interface DrReadinessInput {
  environmentName: string;
  /** The environment's db_instance resources, from the inventory. */
  databases: Resource[];
  /** Latest `ReplicaLag` per replica identifier, in seconds; null or missing when unknown. */
  replicaLagSeconds: Record<string, number | null>;
  now: Date;
}

/** AWS recommends at least a week of automated backups so a problem found days later can still be undone. */
export const MIN_BACKUP_RETENTION_DAYS = 7;
/** Above this, promoting the replica would lose a noticeable window of writes. */
export const MAX_REPLICA_LAG_SECONDS = 60;

/**
 * Recovery-time estimates, by path.
 * - Promote a replica: RDS promotes a PostgreSQL replica in a few minutes
 *   (the simulator models 3); add a minute or two to point the app at the new
 *   endpoint: about 5 minutes.
 * - Point-in-time restore: RDS builds a new instance from the latest daily
 *   snapshot and replays the transaction logs up to the chosen time: for a
 *   database of Fastier's size (tens of GB on db.t3.medium) 15–25 minutes of
 *   creation and replay (the simulator models 10), plus repointing the app:
 *   20 to 30 minutes. Grows with database size and write volume since the snapshot.
 */
export const PROMOTE_RTO_SECONDS = 5 * 60;
export const RESTORE_RTO_SECONDS = { minSeconds: 20 * 60, maxSeconds: 30 * 60 };

const SEVERITY_RANK: Record<DrGapSeverity, number> = { info: 0, warning: 1, critical: 2 };

export function statusOf(gaps: DrGap[]): DrStatus {
  const worst = Math.max(0, ...gaps.map((gap) => SEVERITY_RANK[gap.severity]));
  return worst === 2 ? "not_ready" : worst === 1 ? "at_risk" : "ready";
}

const isLive = (resource: Resource) => resource.kind === "db_instance" && resource.status !== "gone";

function replicasOf(database: Resource, all: Resource[], lags: Record<string, number | null>): DrReplica[] {
  return all
    .filter((r) => r.database?.role === "replica" && r.database.sourceDbIdentifier === database.cloudId)
    .map((r) => ({ identifier: r.cloudId, resourceId: r.id, lagSeconds: lags[r.cloudId] ?? null }));
}

function gapsOf(database: Resource, replicas: DrReplica[]): DrGap[] {
  const spec = database.database;
  const name = database.cloudId;
  if (!spec) {
    return [
      {
        code: "database_details_missing",
        severity: "warning",
        message: `${name} has no database details in the inventory; sync the environment to assess it`,
      },
    ];
  }
  const gaps: DrGap[] = [];
  if (!spec.multiAz) {
    gaps.push({
      code: "no_multi_az",
      severity: "warning",
      message: `${name} is Single-AZ: losing its zone means a promotion or a restore instead of a one-minute failover`,
    });
  }
  if (spec.backupRetentionDays === 0 || spec.latestRestorableTime === null) {
    gaps.push({
      code: "no_restorable_time",
      severity: "critical",
      message:
        spec.backupRetentionDays === 0
          ? `${name} has automated backups turned off: it cannot be restored to any point in time`
          : `${name} has no restorable time yet: it cannot be restored to a point in time`,
    });
  }
  // With backups off the gap above says it all.
  if (spec.backupRetentionDays > 0 && spec.backupRetentionDays < MIN_BACKUP_RETENTION_DAYS) {
    gaps.push({
      code: "backup_retention_short",
      severity: "warning",
      message: `${name} keeps backups for ${spec.backupRetentionDays} days, under ${MIN_BACKUP_RETENTION_DAYS}: older mistakes cannot be undone`,
    });
  }
  if (replicas.length === 0) {
    gaps.push({
      code: "no_read_replica",
      severity: "warning",
      message: `${name} has no read replica to promote: recovery takes a point-in-time restore`,
    });
  }
  for (const replica of replicas) {
    if (replica.lagSeconds === null) {
      gaps.push({
        code: "replica_lag_unknown",
        severity: "info",
        message: `no recent ReplicaLag for ${replica.identifier}`,
      });
    } else if (replica.lagSeconds > MAX_REPLICA_LAG_SECONDS) {
      gaps.push({
        code: "replica_lag_high",
        severity: "warning",
        message: `${replica.identifier} lags ${replica.lagSeconds} s behind ${name}, over ${MAX_REPLICA_LAG_SECONDS} s: promoting it would lose that much`,
      });
    }
  }
  return gaps;
}

function assessDatabase(database: Resource, all: Resource[], input: DrReadinessInput): DatabaseDrAssessment {
  const spec = database.database;
  const replicas = replicasOf(database, all, input.replicaLagSeconds);
  const latest = spec?.latestRestorableTime ?? null;
  const hasBackups = spec !== null && spec.backupRetentionDays > 0 && latest !== null;
  // As of the inventory's last sync: a stale inventory makes this an upper bound (RDS trails now by ~5 minutes).
  const rpo = hasBackups ? Math.max(0, Math.round((input.now.getTime() - latest.getTime()) / 1000)) : null;
  const backupReplications = drBackupReplications(database, input.now);
  const gaps = [...gapsOf(database, replicas), ...noBackupReplicationGap(database, backupReplications)];
  return {
    identifier: database.cloudId,
    resourceId: database.id,
    role: spec?.role === "primary" ? "primary" : "standalone",
    multiAz: spec?.multiAz ?? null,
    backupRetentionDays: spec?.backupRetentionDays ?? null,
    replicas,
    backupReplications,
    latestRestorableTime: latest,
    estimatedRpoSeconds: rpo,
    estimatedRto: {
      promoteReplicaSeconds: replicas.length > 0 ? PROMOTE_RTO_SECONDS : null,
      restorePointInTime: hasBackups ? { ...RESTORE_RTO_SECONDS } : null,
    },
    gaps,
    status: statusOf(gaps),
  };
}

/**
 * How well an environment's databases can be recovered, from the inventory
 * and recent replica lag: per primary or standalone instance its protection
 * (Multi-AZ, backups, replicas), estimated RPO and RTO, and the gaps.
 * Pure: the caller reads the inventory and CloudWatch.
 */
export function assessDrReadiness(input: DrReadinessInput): DrReadinessReport {
  const live = input.databases.filter(isLive);
  // A replica is assessed with its source; one whose source is not in the inventory is not a recovery point on its own.
  const assessed = live
    .filter((r) => r.database?.role !== "replica")
    .sort((a, b) => a.cloudId.localeCompare(b.cloudId))
    .map((database) => assessDatabase(database, live, input));
  const gaps: DrGap[] =
    assessed.length === 0
      ? [
          {
            code: "no_database",
            severity: "warning",
            message: `${input.environmentName} has no primary or standalone database in the inventory; sync it or add one`,
          },
        ]
      : [];
  return {
    environmentName: input.environmentName,
    assessedAt: input.now,
    status: statusOf([...gaps, ...assessed.flatMap((database) => database.gaps)]),
    databases: assessed,
    gaps,
  };
}
