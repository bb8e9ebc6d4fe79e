import { type BackupReplicationDefaults, partnerRegionOf } from "../../dr/backupReplications.ts";
import type { Resource } from "../../inventory/types.ts";

/** What a replicate-backups recommendation says and does; recommendations.ts adds the fields all share. */
export interface ReplicateBackupsProposal {
  title: string;
  rationale: string;
  proposal: Record<string, string>;
  apply: { operationKind: "start_backup_replication"; params: Record<string, string> } | null;
}

/**
 * Replicate a production database's automated backups to the partner of its region. An
 * encrypted source needs a KMS key in the destination: with none configured for it the
 * recommendation says how to configure one instead of offering an apply that would be refused.
 */
export function replicateBackupsProposal(
  resource: Pick<Resource, "name"> & Partial<Pick<Resource, "region" | "attributes">>,
  defaults: BackupReplicationDefaults,
): ReplicateBackupsProposal | null {
  const home = resource.region ?? null;
  const destination = home === null ? null : partnerRegionOf(home, defaults);
  if (home === null || destination === null) return null;
  const encrypted = resource.attributes?.storageEncrypted === true;
  const kmsKeyId = defaults.kmsKeyIds[destination];
  const why =
    `${resource.name} keeps its automated backups only in ${home}: if that region is lost, so is every way to restore it. ` +
    `Replicating them to ${destination} keeps a restore window there, a few minutes behind the source, for the same retention. ` +
    "Cross-region transfer and backup storage in the destination are billed.";
  if (encrypted && kmsKeyId === undefined) {
    return {
      title: `Replicate automated backups of ${resource.name} to ${destination}`,
      rationale: `${why} ${resource.name} is encrypted: configure a KMS key in ${destination} (BACKUP_REPLICATION_KMS_KEYS=${destination}=<key ARN>) to apply this with one call, or pass kmsKeyId to POST /v1/resources/{id}/backup-replication.`,
      proposal: { destinationRegion: destination },
      apply: null,
    };
  }
  const params = { destinationRegion: destination, ...(encrypted && kmsKeyId !== undefined && { kmsKeyId }) };
  return {
    title: `Replicate automated backups of ${resource.name} to ${destination}`,
    rationale: why,
    proposal: params,
    apply: { operationKind: "start_backup_replication", params },
  };
}
