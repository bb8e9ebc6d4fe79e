/**
 * Replication of an RDS instance's automated backups into a second region, so a
 * point-in-time restore is still possible when the whole home region is lost.
 * Every call goes to the DESTINATION region, as RDS requires: that is where the
 * replicated backups live and where StartDBInstanceAutomatedBackupsReplication runs.
 */

/** AWS region names: `us-east-1`, `eu-central-1`, `us-gov-west-1`. */
export const AWS_REGION_PATTERN = "^[a-z]{2}(-gov)?-[a-z]+-\\d$";
const AWS_REGION = new RegExp(AWS_REGION_PATTERN);
export const isAwsRegion = (value: string) => AWS_REGION.test(value);

/** `pending` until RDS has copied the first backup, then `replicating`; `retained` once stopped (until retention ends). */
export type ReplicatedBackupStatus = "pending" | "replicating" | "retained" | (string & {});

/** The replicated automated backups of one source instance, as the destination region reports them. */
export interface ReplicatedBackup {
  sourceIdentifier: string;
  sourceArn: string;
  sourceRegion: string;
  destinationRegion: string;
  /** The `DBInstanceAutomatedBackupsArn` in the destination region. */
  arn: string | null;
  status: ReplicatedBackupStatus;
  retentionDays: number;
  kmsKeyId: string | null;
  /** The restore window in the destination region; null until the first backup has arrived. */
  earliestRestorableTime: Date | null;
  latestRestorableTime: Date | null;
}

export interface StartBackupReplicationRequest {
  sourceArn: string;
  /** 1–35 days. */
  retentionDays: number;
  /** A KMS key in the destination region; required when the source is encrypted. */
  kmsKeyId?: string;
}

export interface BackupReplicationPort {
  /** The replication of `sourceArn` into `destinationRegion`; null when there is none. */
  describe(destinationRegion: string, sourceArn: string): Promise<ReplicatedBackup | null>;
  /** StartDBInstanceAutomatedBackupsReplication in the destination region. */
  start(destinationRegion: string, request: StartBackupReplicationRequest): Promise<ReplicatedBackup>;
  /** StopDBInstanceAutomatedBackupsReplication in the destination region. */
  stop(destinationRegion: string, sourceArn: string): Promise<ReplicatedBackup>;
}

/** The region an ARN names (`arn:aws:rds:us-west-2:…` → `us-west-2`); null for anything else. */
export function regionOfArn(arn: string): string | null {
  const region = arn.split(":")[3];
  return region && isAwsRegion(region) ? region : null;
}
