import {
  type DBInstanceAutomatedBackup,
  paginateDescribeDBInstanceAutomatedBackups,
  type RDSClient,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import { type BackupReplicationPort, CloudError, type ReplicatedBackup, regionOfArn } from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

/** RDS answers the source's identifier and region; the destination is where we asked. */
export function replicatedBackupOf(backup: DBInstanceAutomatedBackup, destinationRegion: string): ReplicatedBackup {
  const sourceArn = backup.DBInstanceArn ?? "";
  return {
    sourceIdentifier: backup.DBInstanceIdentifier ?? "",
    sourceArn,
    sourceRegion: backup.Region ?? regionOfArn(sourceArn) ?? "",
    destinationRegion,
    arn: backup.DBInstanceAutomatedBackupsArn ?? null,
    status: backup.Status ?? "unknown",
    retentionDays: backup.BackupRetentionPeriod ?? 0,
    kmsKeyId: backup.KmsKeyId ?? null,
    earliestRestorableTime: backup.RestoreWindow?.EarliestTime ?? null,
    latestRestorableTime: backup.RestoreWindow?.LatestTime ?? null,
  };
}

function returned(backup: DBInstanceAutomatedBackup | undefined, operation: string, region: string): ReplicatedBackup {
  if (!backup) throw new CloudError("unavailable", `rds ${operation} returned no automated backup`, { service: "rds" });
  return replicatedBackupOf(backup, region);
}

/** The automated backups in `client`'s region that replicate the source instance `sourceArn`. */
async function describeIn(client: RDSClient, destinationRegion: string, sourceArn: string) {
  return awsCall("rds", "DescribeDBInstanceAutomatedBackups", async () => {
    const found: ReplicatedBackup[] = [];
    // The db-instance-id filter takes an ARN, which names the source's region: a local instance of the same name is not matched.
    const input = { Filters: [{ Name: "db-instance-id", Values: [sourceArn] }] };
    for await (const page of paginateDescribeDBInstanceAutomatedBackups({ client }, input)) {
      for (const backup of page.DBInstanceAutomatedBackups ?? []) {
        if (backup.DBInstanceArn === sourceArn) found.push(replicatedBackupOf(backup, destinationRegion));
      }
    }
    return found;
  });
}

/** Prefer the live replication over backups retained from an earlier one. */
const current = (found: ReplicatedBackup[]) => found.find((b) => b.status !== "retained") ?? found[0] ?? null;

/** Every call goes to the destination region's RDS endpoint, as the RDS API requires. */
export function createAwsBackupReplication(clients: Pick<AwsClients, "rdsIn">): BackupReplicationPort {
  return {
    async describe(destinationRegion, sourceArn) {
      return current(await describeIn(clients.rdsIn(destinationRegion), destinationRegion, sourceArn));
    },

    async start(destinationRegion, request) {
      const answer = await awsCall("rds", "StartDBInstanceAutomatedBackupsReplication", () =>
        clients.rdsIn(destinationRegion).send(
          new StartDBInstanceAutomatedBackupsReplicationCommand({
            SourceDBInstanceArn: request.sourceArn,
            BackupRetentionPeriod: request.retentionDays,
            ...(request.kmsKeyId !== undefined && { KmsKeyId: request.kmsKeyId }),
          }),
        ),
      );
      return returned(
        answer.DBInstanceAutomatedBackup,
        "StartDBInstanceAutomatedBackupsReplication",
        destinationRegion,
      );
    },

    async stop(destinationRegion, sourceArn) {
      const answer = await awsCall("rds", "StopDBInstanceAutomatedBackupsReplication", () =>
        clients
          .rdsIn(destinationRegion)
          .send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: sourceArn })),
      );
      return returned(answer.DBInstanceAutomatedBackup, "StopDBInstanceAutomatedBackupsReplication", destinationRegion);
    },
  };
}

/**
 * The replications of one discovered instance: RDS lists their ARNs on the source
 * (`DBInstanceAutomatedBackupsReplications`), and each destination region reports its
 * status and restore window. Without permission there (or on an emulator that lacks
 * the API) a region is reported with status `unknown` rather than failing discovery.
 */
export async function replicationsOfInstance(
  clients: Pick<AwsClients, "rdsIn">,
  sourceArn: string | undefined,
  replicationArns: string[],
): Promise<ReplicatedBackup[]> {
  if (!sourceArn) return [];
  const regions = [...new Set(replicationArns.map(regionOfArn).filter((r): r is string => r !== null))];
  const port = createAwsBackupReplication(clients);
  return Promise.all(
    regions.map(async (region): Promise<ReplicatedBackup> => {
      try {
        const found = await port.describe(region, sourceArn);
        if (found) return found;
      } catch (error) {
        if (!(error instanceof CloudError) || error.retryable) throw error;
      }
      return {
        sourceIdentifier: "",
        sourceArn,
        sourceRegion: regionOfArn(sourceArn) ?? "",
        destinationRegion: region,
        arn: null,
        status: "unknown",
        retentionDays: 0,
        kmsKeyId: null,
        earliestRestorableTime: null,
        latestRestorableTime: null,
      };
    }),
  );
}
