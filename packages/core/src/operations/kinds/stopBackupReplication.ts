import { type Static, Type } from "typebox";
import { defineOperation } from "../defineOperation.ts";
import {
  DestinationRegion,
  liveReplication,
  REPLICATION_RECHECK_MS,
  refuseHomeRegion,
  replicationInventoryEffect,
  replicationSource,
} from "./backupReplicationTarget.ts";

const StopBackupReplicationBody = Type.Object(
  { destinationRegion: DestinationRegion },
  { additionalProperties: false },
);
export type StopBackupReplicationParams = Static<typeof StopBackupReplicationBody>;

const StopBackupReplicationState = Type.Object({});

/**
 * Stop replicating an RDS instance's automated backups to a region. What was replicated stays
 * there (retained) until its retention runs out; nothing new arrives.
 */
export const stopBackupReplication = defineOperation({
  kind: "stop_backup_replication",
  targetKinds: ["db_instance"],
  minRole: "operator",
  path: "backup-replication/stop",
  summary: "Stop replicating an RDS instance's automated backups to another region",
  description:
    "StopDBInstanceAutomatedBackupsReplication in the destination region. Succeeds once the destination no longer " +
    "replicates (the backups already there are retained until their retention ends, or gone); nothing is called " +
    "when it does not replicate there.",
  body: StopBackupReplicationBody,
  state: StopBackupReplicationState,
  defaultTimeoutMinutes: 30,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    refuseHomeRegion(cloud, params.destinationRegion);
    const { instance, sourceArn } = await replicationSource(cloud, target.cloudId);
    const existing = liveReplication(await cloud.backupReplication.describe(params.destinationRegion, sourceArn));
    if (!existing) {
      return {
        summary: `nothing to change: ${instance.identifier} does not replicate its backups to ${params.destinationRegion}`,
        changes: [],
        checks: [{ name: "not replicating", passed: true, detail: "the operation succeeds without calling RDS" }],
      };
    }
    return {
      summary: `stop replicating automated backups of ${instance.identifier} to ${params.destinationRegion}`,
      changes: [{ field: `backupReplications.${params.destinationRegion}`, from: existing.status, to: null }],
      checks: [
        {
          name: "region protection",
          passed: true,
          detail: `after this, losing ${cloud.region} leaves only the backups already in ${params.destinationRegion}, until their retention ends`,
        },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const { destinationRegion } = operation.params;
    const { instance, sourceArn } = await replicationSource(cloud, target.cloudId);
    const described = await cloud.backupReplication.describe(destinationRegion, sourceArn);
    const backup = liveReplication(described);
    switch (operation.step) {
      case "act": {
        if (!backup) {
          return {
            type: "advance",
            step: "verify",
            message: `${destinationRegion} does not replicate ${instance.identifier}`,
          };
        }
        await cloud.backupReplication.stop(destinationRegion, sourceArn);
        return { type: "advance", step: "wait", message: `asked RDS in ${destinationRegion} to stop replicating` };
      }
      case "wait": {
        if (!backup) {
          return { type: "advance", step: "verify", message: `${destinationRegion} stopped replicating` };
        }
        return {
          type: "wait",
          recheckAfterMs: REPLICATION_RECHECK_MS,
          message: `backups of ${instance.identifier} in ${destinationRegion} are still ${backup.status}`,
          data: { status: backup.status },
        };
      }
      case "verify": {
        if (backup) {
          return {
            type: "failed",
            code: "not_verified",
            message: `${destinationRegion} still replicates ${instance.identifier} (${backup.status})`,
          };
        }
        return {
          type: "succeeded",
          message: `automated backups of ${instance.identifier} no longer replicate to ${destinationRegion}`,
          result: { identifier: instance.identifier, destinationRegion, retained: described?.status === "retained" },
          inventory: replicationInventoryEffect(target, destinationRegion, null),
        };
      }
      default:
        return {
          type: "failed",
          code: "unknown_step",
          message: `stop_backup_replication has no step ${operation.step}`,
        };
    }
  },

  cancellableIn: (step) => step === "act",
});
