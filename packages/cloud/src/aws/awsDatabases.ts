import {
  CreateDBSnapshotCommand,
  type DBInstance,
  type DBSnapshot,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type PendingModifiedValues,
  PromoteReadReplicaCommand,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  RestoreDBInstanceToPointInTimeCommand,
} from "@aws-sdk/client-rds";
import {
  CloudError,
  type DatabasePort,
  type DbInstanceState,
  type DbSnapshot,
  isCloudError,
  type RestoreToPointInTimeRequest,
} from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";
import { tagsOf } from "./awsTags.ts";
import { definedFields } from "./definedFields.ts";
import { earliestRestorableTimes } from "./restoreWindows.ts";

type RdsClients = Pick<AwsClients, "rds">;

export interface DbInstanceWithWindow {
  instance: DBInstance;
  earliestRestorableTime: Date | null;
}

/** Every instance (or the named ones, all of which must exist) with its earliest restorable time. */
export async function listDbInstances(clients: RdsClients, identifiers?: string[]): Promise<DbInstanceWithWindow[]> {
  if (identifiers?.length === 0) return [];
  const instances = await awsCall("rds", "DescribeDBInstances", async () => {
    const found: DBInstance[] = [];
    // A filter (unlike DBInstanceIdentifier) takes several identifiers in one call.
    const input = identifiers ? { Filters: [{ Name: "db-instance-id", Values: identifiers }] } : {};
    for await (const page of paginateDescribeDBInstances({ client: clients.rds }, input)) {
      found.push(...(page.DBInstances ?? []));
    }
    return found;
  });
  if (identifiers) {
    const found = new Set(instances.map((i) => i.DBInstanceIdentifier));
    const missing = identifiers.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new CloudError("not_found", `DB instance(s) not found: ${missing.join(", ")}`, { service: "rds" });
    }
  }
  const earliest = await earliestRestorableTimes(clients, instances);
  return instances.map((instance) => ({
    instance,
    earliestRestorableTime: earliest.get(instance.DBInstanceIdentifier ?? "") ?? null,
  }));
}

export function dbInstanceStateOf(instance: DBInstance, earliestRestorableTime: Date | null = null): DbInstanceState {
  return {
    identifier: instance.DBInstanceIdentifier ?? "",
    arn: instance.DBInstanceArn ?? null,
    status: instance.DBInstanceStatus ?? "unknown",
    instanceClass: instance.DBInstanceClass ?? "",
    engine: instance.Engine ?? "",
    engineVersion: instance.EngineVersion ?? null,
    multiAz: instance.MultiAZ ?? false,
    backupRetentionDays: instance.BackupRetentionPeriod ?? 0,
    availabilityZone: instance.AvailabilityZone ?? null,
    readReplicaSourceIdentifier: instance.ReadReplicaSourceDBInstanceIdentifier ?? null,
    readReplicaIdentifiers: instance.ReadReplicaDBInstanceIdentifiers ?? [],
    earliestRestorableTime,
    latestRestorableTime: instance.LatestRestorableTime ?? null,
    endpoint: instance.Endpoint?.Address ?? null,
    storageEncrypted: instance.StorageEncrypted ?? false,
    storageType: instance.StorageType ?? null,
    dbSubnetGroupName: instance.DBSubnetGroup?.DBSubnetGroupName ?? null,
    // A group being removed is on its way out: it is not part of what the instance is.
    vpcSecurityGroupIds: (instance.VpcSecurityGroups ?? [])
      .filter((group) => group.Status !== "removing" && group.VpcSecurityGroupId)
      .map((group) => group.VpcSecurityGroupId as string),
    dbParameterGroupName: instance.DBParameterGroups?.[0]?.DBParameterGroupName ?? null,
    tags: tagsOf(instance.TagList),
    createdAt: instance.InstanceCreateTime ?? null,
    ...pendingOf(instance.PendingModifiedValues),
  };
}

/** Only the pending settings the control plane changes; nothing when none of them is pending. */
function pendingOf(pending: PendingModifiedValues | undefined): Pick<DbInstanceState, "pendingModifiedValues"> {
  const values = definedFields({
    multiAz: pending?.MultiAZ,
    backupRetentionDays: pending?.BackupRetentionPeriod,
    instanceClass: pending?.DBInstanceClass,
  });
  return Object.keys(values).length > 0 ? { pendingModifiedValues: values } : {};
}

function snapshotOf(snapshot: DBSnapshot): DbSnapshot {
  return {
    identifier: snapshot.DBSnapshotIdentifier ?? "",
    dbInstanceIdentifier: snapshot.DBInstanceIdentifier ?? "",
    status: snapshot.Status ?? "unknown",
    type: snapshot.SnapshotType ?? "unknown",
    createdAt: snapshot.SnapshotCreateTime ?? null,
    percentProgress: snapshot.PercentProgress ?? null,
  };
}

function returned(instance: DBInstance | undefined, operation: string): DbInstanceState {
  if (!instance) throw new CloudError("unavailable", `rds ${operation} returned no DB instance`, { service: "rds" });
  return dbInstanceStateOf(instance);
}

function restoreTimeOf(request: RestoreToPointInTimeRequest) {
  const latest = request.useLatestRestorableTime === true;
  if (latest === (request.restoreTime !== undefined)) {
    throw new CloudError("invalid_request", "give exactly one of restoreTime and useLatestRestorableTime", {
      service: "rds",
    });
  }
  return latest ? { UseLatestRestorableTime: true } : { RestoreTime: request.restoreTime };
}

export function createAwsDatabases(clients: RdsClients): DatabasePort {
  return {
    async describeInstances(identifiers) {
      return (await listDbInstances(clients, identifiers)).map((found) =>
        dbInstanceStateOf(found.instance, found.earliestRestorableTime),
      );
    },

    // RDS refuses a non-replica with InvalidDBInstanceState; emulators may not, and promotion
    // cannot be undone, so the adapter checks the role itself before asking.
    async promoteReadReplica(identifier) {
      const described = await awsCall("rds", "DescribeDBInstances", () =>
        clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })),
      );
      if (!described.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier) {
        throw new CloudError("invalid_state", `DB instance ${identifier} is not a read replica`, { service: "rds" });
      }
      const answer = await awsCall("rds", "PromoteReadReplica", () =>
        clients.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: identifier })),
      );
      return returned(answer.DBInstance, "PromoteReadReplica");
    },

    async restoreToPointInTime(request) {
      const when = restoreTimeOf(request);
      const answer = await awsCall("rds", "RestoreDBInstanceToPointInTime", () =>
        clients.rds.send(
          new RestoreDBInstanceToPointInTimeCommand({
            SourceDBInstanceIdentifier: request.sourceIdentifier,
            TargetDBInstanceIdentifier: request.targetIdentifier,
            ...when,
            // Each setting the caller resolved (the source's, unless overridden) is passed as is: left out,
            // RDS makes a Single-AZ instance in the default VPC's groups, which the app cannot reach.
            ...definedFields({
              DBInstanceClass: request.instanceClass,
              MultiAZ: request.multiAz,
              DBSubnetGroupName: request.dbSubnetGroupName,
              VpcSecurityGroupIds: request.vpcSecurityGroupIds,
              DBParameterGroupName: request.dbParameterGroupName,
              StorageType: request.storageType,
            }),
            ...(request.tags && { Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })) }),
          }),
        ),
      );
      return returned(answer.DBInstance, "RestoreDBInstanceToPointInTime");
    },

    async createSnapshot(instanceIdentifier, snapshotIdentifier) {
      const answer = await awsCall("rds", "CreateDBSnapshot", () =>
        clients.rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: instanceIdentifier,
            DBSnapshotIdentifier: snapshotIdentifier,
          }),
        ),
      );
      if (!answer.DBSnapshot) {
        throw new CloudError("unavailable", "rds CreateDBSnapshot returned no snapshot", { service: "rds" });
      }
      return snapshotOf(answer.DBSnapshot);
    },

    async describeSnapshots(filter) {
      try {
        return await awsCall("rds", "DescribeDBSnapshots", async () => {
          const found: DbSnapshot[] = [];
          const input = definedFields({
            DBInstanceIdentifier: filter.instanceIdentifier,
            DBSnapshotIdentifier: filter.snapshotIdentifier,
          });
          for await (const page of paginateDescribeDBSnapshots({ client: clients.rds }, input)) {
            found.push(...(page.DBSnapshots ?? []).map(snapshotOf));
          }
          return found;
        });
      } catch (error) {
        // A filter that matches nothing is an empty answer, even when RDS calls it DBSnapshotNotFound.
        if (isCloudError(error) && error.kind === "not_found" && filter.snapshotIdentifier) return [];
        throw error;
      }
    },

    async setMultiAz(identifier, multiAz) {
      const answer = await awsCall("rds", "ModifyDBInstance", () =>
        clients.rds.send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, MultiAZ: multiAz, ApplyImmediately: true }),
        ),
      );
      return returned(answer.DBInstance, "ModifyDBInstance");
    },

    // ApplyImmediately unless asked otherwise: RDS would hold class and Multi-AZ changes for the maintenance window.
    async modifyInstance(identifier, modification, options = {}) {
      const answer = await awsCall("rds", "ModifyDBInstance", () =>
        clients.rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: identifier,
            ...definedFields({
              DBInstanceClass: modification.instanceClass,
              MultiAZ: modification.multiAz,
              VpcSecurityGroupIds: modification.vpcSecurityGroupIds,
              DBParameterGroupName: modification.dbParameterGroupName,
              BackupRetentionPeriod: modification.backupRetentionDays,
            }),
            ApplyImmediately: options.applyImmediately ?? true,
          }),
        ),
      );
      return returned(answer.DBInstance, "ModifyDBInstance");
    },

    // Automated backups go with it: a scratch instance's backups are copies of its source's.
    async deleteInstanceWithoutSnapshot(identifier) {
      const answer = await awsCall("rds", "DeleteDBInstance", () =>
        clients.rds.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: identifier,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        ),
      );
      return returned(answer.DBInstance, "DeleteDBInstance");
    },
  };
}
