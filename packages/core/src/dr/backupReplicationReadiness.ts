import type { Resource } from "../inventory/types.ts";
import { backupReplicationsOf, isActiveReplication, isProductionDatabase } from "./backupReplications.ts";

/** Its DR gap; shaped like every DrGap (declared here so drReadiness.ts can import this file without a cycle). */
export interface NoBackupReplicationGap {
  code: "no_backup_replication";
  severity: "info";
  message: string;
}

/** A region the database's automated backups are replicated to, and what a restore there would lose. */
export interface DrBackupReplication {
  destinationRegion: string;
  status: string;
  earliestRestorableTime: Date | null;
  latestRestorableTime: Date | null;
  /** Seconds since the replicated latest restorable time; null until the first backup arrived. */
  estimatedRpoSeconds: number | null;
}

const dateOrNull = (iso: string | null) => (iso === null ? null : new Date(iso));

export function drBackupReplications(database: Resource, now: Date): DrBackupReplication[] {
  return backupReplicationsOf(database).map((record) => {
    const latest = dateOrNull(record.latestRestorableTime);
    return {
      destinationRegion: record.destinationRegion,
      status: record.status,
      earliestRestorableTime: dateOrNull(record.earliestRestorableTime),
      latestRestorableTime: latest,
      estimatedRpoSeconds: latest ? Math.max(0, Math.round((now.getTime() - latest.getTime()) / 1000)) : null,
    };
  });
}

/**
 * Without backups in a second region, losing the home region loses every way back. Listed
 * for production databases only, as `info`: the readiness status measures recovery inside
 * the region and does not change; the health sweep turns it into a warning finding with a
 * recommendation to replicate. With backups off, the `no_restorable_time` gap says it all.
 */
export function noBackupReplicationGap(
  database: Resource,
  replications: DrBackupReplication[],
): NoBackupReplicationGap[] {
  const spec = database.database;
  if (!spec || spec.backupRetentionDays === 0 || !isProductionDatabase(database)) return [];
  if (replications.some(isActiveReplication)) return [];
  return [
    {
      code: "no_backup_replication",
      severity: "info",
      message: `${database.cloudId} has no automated backups in another region: losing ${database.region ?? "its region"} leaves nothing to restore from`,
    },
  ];
}
