import { type DBInstance, paginateDescribeDBInstanceAutomatedBackups } from "@aws-sdk/client-rds";
import { isCloudError } from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";

/**
 * The earliest restorable time of each instance, by identifier. RDS only
 * reports it on the instance's automated backups (`RestoreWindow`), so this
 * is one extra paginated call, made only when some instance keeps backups.
 */
export async function earliestRestorableTimes(
  clients: Pick<AwsClients, "rds">,
  instances: DBInstance[],
): Promise<Map<string, Date>> {
  const withBackups = instances.filter((i) => (i.BackupRetentionPeriod ?? 0) > 0 && i.DBInstanceIdentifier);
  const times = new Map<string, Date>();
  if (withBackups.length === 0) return times;
  const wanted = new Map(withBackups.map((i) => [i.DBInstanceIdentifier as string, i]));
  try {
    await awsCall("rds", "DescribeDBInstanceAutomatedBackups", async () => {
      for await (const page of paginateDescribeDBInstanceAutomatedBackups({ client: clients.rds }, {})) {
        for (const backup of page.DBInstanceAutomatedBackups ?? []) {
          const instance = wanted.get(backup.DBInstanceIdentifier ?? "");
          const earliest = backup.RestoreWindow?.EarliestTime;
          // Backups retained from a deleted instance of the same name belong to another resource id.
          const sameInstance =
            !backup.DbiResourceId || !instance?.DbiResourceId || backup.DbiResourceId === instance.DbiResourceId;
          if (instance && earliest && backup.Status !== "retained" && sameInstance) {
            times.set(instance.DBInstanceIdentifier as string, earliest);
          }
        }
      }
    });
  } catch (error) {
    // Without the permission (or on an emulator without the API) the time is simply unknown.
    // Transient failures propagate: a value that comes and goes would look like drift.
    if (isCloudError(error) && !error.retryable) return times;
    throw error;
  }
  return times;
}
