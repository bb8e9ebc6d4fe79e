import { type Static, Type } from "typebox";
import { regionOfArn } from "../../cloud/backupReplicationPort.ts";
import { backupReplicationRecord } from "../../dr/backupReplications.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { MAX_BACKUP_RETENTION_DAYS } from "../../inventory/resourceRules.ts";
import { defineOperation } from "../defineOperation.ts";
import type { PlanCheck } from "../operationTypes.ts";
import {
  DestinationRegion,
  liveReplication,
  REPLICATION_RECHECK_MS,
  refuseHomeRegion,
  replicationInventoryEffect,
  replicationSource,
} from "./backupReplicationTarget.ts";

const StartBackupReplicationBody = Type.Object(
  {
    destinationRegion: DestinationRegion,
    retentionDays: Type.Optional(
      Type.Integer({
        format: "int32",
        minimum: 1,
        maximum: MAX_BACKUP_RETENTION_DAYS,
        description: "Days of replicated backups to keep in the destination (default: the source's retention)",
      }),
    ),
    kmsKeyId: Type.Optional(
      Type.String({
        pattern: "^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$",
        maxLength: 2048,
        description: "ARN of a KMS key in the destination region; required when the source is encrypted",
      }),
    ),
  },
  { additionalProperties: false },
);
export type StartBackupReplicationParams = Static<typeof StartBackupReplicationBody>;

/** Nothing to keep between ticks: the destination region says where replication is. */
const StartBackupReplicationState = Type.Object({});

/** A KMS key lives in one region: RDS can only encrypt replicated backups with one in the destination. */
function kmsKeyProblems(params: StartBackupReplicationParams, encrypted: boolean) {
  if (params.kmsKeyId === undefined) {
    return encrypted
      ? [
          {
            field: "/kmsKeyId",
            rule: "required_when_encrypted",
            message: `the source is encrypted: give a KMS key ARN in ${params.destinationRegion}`,
          },
        ]
      : [];
  }
  const keyRegion = regionOfArn(params.kmsKeyId);
  return keyRegion === params.destinationRegion
    ? []
    : [
        {
          field: "/kmsKeyId",
          rule: "destination_region",
          message: `must be a key in ${params.destinationRegion}, not in ${keyRegion ?? "an unknown region"}`,
        },
      ];
}

/**
 * Replicate an RDS instance's automated backups (snapshots and transaction logs) to a second
 * region, so it can be restored to a point in time there when its own region is lost.
 */
export const startBackupReplication = defineOperation({
  kind: "start_backup_replication",
  targetKinds: ["db_instance"],
  minRole: "operator",
  path: "backup-replication",
  summary: "Replicate an RDS instance's automated backups to another region",
  description:
    "StartDBInstanceAutomatedBackupsReplication in the destination region, with the source's ARN, a retention " +
    "(default the source's) and, for an encrypted source, a KMS key in the destination region. Succeeds once the " +
    "destination reports the backups `replicating`; nothing is called when they already are. Refused for a read " +
    "replica and for an instance without automated backups (retention 0). Replication is billed per GB " +
    "transferred and stored in the destination.",
  body: StartBackupReplicationBody,
  state: StartBackupReplicationState,
  // The first copy of a large database's backups can take a while before RDS reports it replicating.
  defaultTimeoutMinutes: 120,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    refuseHomeRegion(cloud, params.destinationRegion);
    const { instance, sourceArn } = await replicationSource(cloud, target.cloudId);
    if (instance.readReplicaSourceIdentifier) {
      throw new ConflictError(
        "read_replica",
        `${instance.identifier} is a read replica of ${instance.readReplicaSourceIdentifier}; RDS replicates the automated backups of a source instance only`,
        { source: instance.readReplicaSourceIdentifier },
      );
    }
    if (instance.backupRetentionDays === 0) {
      throw new ConflictError(
        "backups_off",
        `${instance.identifier} keeps no automated backups (retention 0): there is nothing to replicate; set a backup retention first`,
      );
    }
    const problems = kmsKeyProblems(params, instance.storageEncrypted);
    if (problems.length > 0) throw new ValidationError(problems);
    const existing = await cloud.backupReplication.describe(params.destinationRegion, sourceArn);
    const live = liveReplication(existing);
    if (live) {
      return {
        summary: `nothing to change: ${instance.identifier} already replicates its backups to ${params.destinationRegion} (${live.status})`,
        changes: [],
        checks: [{ name: "already replicating", passed: true, detail: "the operation succeeds without calling RDS" }],
      };
    }
    const retentionDays = params.retentionDays ?? instance.backupRetentionDays;
    const checks: PlanCheck[] = [
      { name: "source", passed: true, detail: `${sourceArn} keeps backups ${instance.backupRetentionDays} days` },
      {
        name: "encryption",
        passed: true,
        detail: instance.storageEncrypted
          ? `encrypted source: replicated backups are encrypted with ${params.kmsKeyId}`
          : "unencrypted source",
      },
      {
        name: "cost",
        passed: true,
        detail: `cross-region transfer of every backup and log, and backup storage in ${params.destinationRegion}`,
      },
    ];
    return {
      summary: `replicate automated backups of ${instance.identifier} from ${cloud.region} to ${params.destinationRegion}, kept ${retentionDays} days`,
      changes: [
        { field: `backupReplications.${params.destinationRegion}`, from: existing?.status ?? null, to: "replicating" },
      ],
      checks,
      settings: {
        retentionDays: { value: retentionDays, from: params.retentionDays === undefined ? "source" : "request" },
      },
    };
  },

  async step({ operation, target, cloud }) {
    const { destinationRegion } = operation.params;
    const { instance, sourceArn } = await replicationSource(cloud, target.cloudId);
    const backup = liveReplication(await cloud.backupReplication.describe(destinationRegion, sourceArn));
    switch (operation.step) {
      case "act": {
        // Asked before a crash, or by someone else: RDS already knows, so asking again would only be refused.
        if (backup) {
          return {
            type: "advance",
            step: "wait",
            message: `${destinationRegion} already has ${backup.status} backups`,
          };
        }
        const retentionDays = operation.params.retentionDays ?? instance.backupRetentionDays;
        await cloud.backupReplication.start(destinationRegion, {
          sourceArn,
          retentionDays,
          ...(operation.params.kmsKeyId !== undefined && { kmsKeyId: operation.params.kmsKeyId }),
        });
        return {
          type: "advance",
          step: "wait",
          message: `asked RDS in ${destinationRegion} to replicate the automated backups of ${instance.identifier}, kept ${retentionDays} days`,
        };
      }
      case "wait": {
        if (backup?.status === "replicating") {
          return { type: "advance", step: "verify", message: `${destinationRegion} reports the backups replicating` };
        }
        if (!backup) {
          return {
            type: "failed",
            code: "replication_gone",
            message: `${destinationRegion} has no replication of ${instance.identifier} any more: it was stopped`,
          };
        }
        return {
          type: "wait",
          recheckAfterMs: REPLICATION_RECHECK_MS,
          message: `backups of ${instance.identifier} in ${destinationRegion} are ${backup.status}`,
          data: { status: backup.status },
        };
      }
      case "verify": {
        if (backup?.status !== "replicating") {
          return {
            type: "failed",
            code: "not_verified",
            message: `backups of ${instance.identifier} in ${destinationRegion} are ${backup?.status ?? "absent"}, not replicating`,
          };
        }
        const record = backupReplicationRecord(backup);
        return {
          type: "succeeded",
          message: `automated backups of ${instance.identifier} replicate to ${destinationRegion}`,
          result: { identifier: instance.identifier, ...record, kmsKeyId: backup.kmsKeyId, arn: backup.arn },
          inventory: replicationInventoryEffect(target, destinationRegion, record),
        };
      }
      default:
        return {
          type: "failed",
          code: "unknown_step",
          message: `start_backup_replication has no step ${operation.step}`,
        };
    }
  },

  // Once asked for, RDS starts copying; stopping it is the stop kind's job.
  cancellableIn: (step) => step === "act",
});
