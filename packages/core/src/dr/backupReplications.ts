import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import type { ReplicatedBackup } from "../cloud/backupReplicationPort.ts";
import type { Resource } from "../inventory/types.ts";

/**
 * How the inventory records a database's replicated automated backups: under
 * `attributes.backupReplications`, one entry per destination region, times as
 * ISO strings (attributes are JSON). Discovery writes it; DR readiness, the
 * health rules and the replication operations read it.
 */
export const BackupReplicationRecord = Type.Object({
  destinationRegion: Type.String(),
  status: Type.String(),
  retentionDays: Type.Union([Type.Integer(), Type.Null()]),
  earliestRestorableTime: Type.Union([Type.String(), Type.Null()]),
  latestRestorableTime: Type.Union([Type.String(), Type.Null()]),
});
export type BackupReplicationRecord = Static<typeof BackupReplicationRecord>;

export const BACKUP_REPLICATIONS_ATTRIBUTE = "backupReplications";

/** The inventory's record of one replication as the cloud reports it. */
export const backupReplicationRecord = (r: ReplicatedBackup): BackupReplicationRecord => ({
  destinationRegion: r.destinationRegion,
  status: r.status,
  retentionDays: r.retentionDays,
  earliestRestorableTime: r.earliestRestorableTime?.toISOString() ?? null,
  latestRestorableTime: r.latestRestorableTime?.toISOString() ?? null,
});

/** The attribute value for what the cloud reports, sorted by region so a sync sees no change in order. */
export function backupReplicationRecords(replications: ReplicatedBackup[]): BackupReplicationRecord[] {
  return replications
    .map(backupReplicationRecord)
    .sort((a, b) => a.destinationRegion.localeCompare(b.destinationRegion));
}

/** The attribute to add to a discovered instance: none at all without replications, as before they existed. */
export function backupReplicationAttribute(replications: ReplicatedBackup[]): Record<string, unknown> {
  return replications.length > 0 ? { [BACKUP_REPLICATIONS_ATTRIBUTE]: backupReplicationRecords(replications) } : {};
}

/** What the inventory knows; entries it cannot read (a hand edit) are left out rather than trusted. */
export function backupReplicationsOf(resource: Pick<Resource, "attributes">): BackupReplicationRecord[] {
  const value = resource.attributes[BACKUP_REPLICATIONS_ATTRIBUTE];
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is BackupReplicationRecord => Value.Check(BackupReplicationRecord, entry));
}

/** A replication that protects the database: started (pending) or running; a retained one is winding down. */
export const isActiveReplication = (record: Pick<BackupReplicationRecord, "status">) =>
  record.status === "pending" || record.status === "replicating";

/** The attributes with one region's entry replaced (or removed with `null`), for an operation's inventory update. */
export function withBackupReplication(
  attributes: Record<string, unknown>,
  destinationRegion: string,
  record: BackupReplicationRecord | null,
): Record<string, unknown> {
  const others = backupReplicationsOf({ attributes }).filter((r) => r.destinationRegion !== destinationRegion);
  const records = (record ? [...others, record] : others).sort((a, b) =>
    a.destinationRegion.localeCompare(b.destinationRegion),
  );
  const { [BACKUP_REPLICATIONS_ATTRIBUTE]: _replaced, ...rest } = attributes;
  // Like discovery: no attribute at all once nothing replicates, so the next sync sees no difference.
  return records.length > 0 ? { ...rest, [BACKUP_REPLICATIONS_ATTRIBUTE]: records } : rest;
}

/**
 * Where a region's backups go by default: a partner in the same geography, far
 * enough for a regional outage, near enough for data-residency rules and latency.
 * Configuration can override or add pairs (BACKUP_REPLICATION_REGIONS).
 */
export const DEFAULT_PARTNER_REGIONS: Readonly<Record<string, string>> = {
  "us-east-1": "us-west-2",
  "us-east-2": "us-west-2",
  "us-west-1": "us-east-1",
  "us-west-2": "us-east-1",
  "ca-central-1": "us-east-1",
  "eu-west-1": "eu-central-1",
  "eu-west-2": "eu-west-1",
  "eu-west-3": "eu-central-1",
  "eu-central-1": "eu-west-1",
  "eu-north-1": "eu-central-1",
  "ap-southeast-1": "ap-southeast-2",
  "ap-southeast-2": "ap-southeast-1",
  "ap-northeast-1": "ap-northeast-3",
  "ap-northeast-2": "ap-northeast-1",
  "ap-south-1": "ap-southeast-1",
  "sa-east-1": "us-east-1",
};

/** Where to replicate backups out of `region` by default, and with which KMS key there. */
export interface BackupReplicationDefaults {
  /** Source region → destination region; merged over DEFAULT_PARTNER_REGIONS. */
  partnerRegions: Record<string, string>;
  /** Destination region → KMS key ARN to encrypt replicated backups of encrypted sources with. */
  kmsKeyIds: Record<string, string>;
}

export const NO_BACKUP_REPLICATION_DEFAULTS: Readonly<BackupReplicationDefaults> = {
  partnerRegions: {},
  kmsKeyIds: {},
};

export function partnerRegionOf(region: string, defaults: BackupReplicationDefaults): string | null {
  return defaults.partnerRegions[region] ?? DEFAULT_PARTNER_REGIONS[region] ?? null;
}

/** A database the business runs on: the inventory tags it `env=production`. */
export const isProductionDatabase = (resource: Pick<Resource, "tags">) => resource.tags.env === "production";
