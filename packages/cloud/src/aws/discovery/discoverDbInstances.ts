import type { DBInstance } from "@aws-sdk/client-rds";
import type { DiscoveredResource } from "@fastier/core";
import { backupReplicationAttribute, discoveredResource } from "@fastier/core";
import { replicationsOfInstance } from "../awsBackupReplication.ts";
import { listDbInstances } from "../awsDatabases.ts";
import { tagsOf } from "../awsTags.ts";
import type { KindLister } from "./discoveredResource.ts";

const PENDING = new Set(["creating", "starting", "converting-to-vpc"]);
const FAILED = new Set(["failed", "restore-error", "inaccessible-encryption-credentials", "insufficient-capacity"]);
const DEGRADED = new Set(["storage-full", "stopped", "incompatible-network", "incompatible-option-group"]);

/** RDS has dozens of statuses; anything not listed here is work in progress. */
function statusOf(status: string | undefined): DiscoveredResource["status"] {
  if (status === "available") return "active";
  if (status && PENDING.has(status)) return "pending";
  if (status && (FAILED.has(status) || status.startsWith("incompatible-"))) return "failed";
  if (status && DEGRADED.has(status)) return "degraded";
  return "modifying";
}

function roleOf(instance: DBInstance): "primary" | "replica" | "standalone" {
  if (instance.ReadReplicaSourceDBInstanceIdentifier) return "replica";
  return (instance.ReadReplicaDBInstanceIdentifiers ?? []).length > 0 ? "primary" : "standalone";
}

export const discoverDbInstances: KindLister = async (clients, region) => {
  const found = await listDbInstances(clients);
  const replications = await Promise.all(
    found.map(({ instance }) =>
      replicationsOfInstance(
        clients,
        instance.DBInstanceArn,
        (instance.DBInstanceAutomatedBackupsReplications ?? []).flatMap((r) =>
          r.DBInstanceAutomatedBackupsArn ? [r.DBInstanceAutomatedBackupsArn] : [],
        ),
      ),
    ),
  );
  return found.map(({ instance, earliestRestorableTime }, index) => {
    const identifier = instance.DBInstanceIdentifier ?? "";
    const endpoint = instance.Endpoint?.Address
      ? `${instance.Endpoint.Address}${instance.Endpoint.Port ? `:${instance.Endpoint.Port}` : ""}`
      : null;
    return discoveredResource({
      kind: "db_instance",
      cloudId: identifier,
      name: identifier,
      region,
      availabilityZones: [instance.AvailabilityZone, instance.SecondaryAvailabilityZone].flatMap((zone) =>
        zone ? [zone] : [],
      ),
      tags: tagsOf(instance.TagList),
      instanceType: instance.DBInstanceClass ?? null,
      status: statusOf(instance.DBInstanceStatus),
      database: {
        role: roleOf(instance),
        engine: instance.Engine ?? null,
        engineVersion: instance.EngineVersion ?? null,
        sourceDbIdentifier: instance.ReadReplicaSourceDBInstanceIdentifier ?? null,
        multiAz: instance.MultiAZ ?? false,
        backupRetentionDays: instance.BackupRetentionPeriod ?? 0,
        earliestRestorableTime,
        latestRestorableTime: instance.LatestRestorableTime ?? null,
      },
      attributes: {
        arn: instance.DBInstanceArn ?? null,
        endpoint,
        storageEncrypted: instance.StorageEncrypted ?? false,
        storageType: instance.StorageType ?? null,
        allocatedStorageGiB: instance.AllocatedStorage ?? null,
        ...backupReplicationAttribute(replications[index] ?? []),
      },
    });
  });
};
