import { type Static, Type } from "typebox";
import { ConflictError } from "../../errors.ts";
import { MAX_BACKUP_RETENTION_DAYS } from "../../inventory/resourceRules.ts";
import { defineOperation } from "../defineOperation.ts";
import type { PlanCheck } from "../operationTypes.ts";
import { describeDbInstance } from "./dbInstanceLookup.ts";
import { availableCheck, stepDbSettingChange, timingCheck } from "./dbSettingChange.ts";

const SetBackupRetentionBody = Type.Object(
  {
    days: Type.Integer({
      format: "int32",
      minimum: 0,
      maximum: MAX_BACKUP_RETENTION_DAYS,
      description: "How many days of automated backups to keep; 0 turns them off",
    }),
    /** Default true; false leaves a change between 0 and non-zero for the next maintenance window. */
    applyImmediately: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SetBackupRetentionParams = Static<typeof SetBackupRetentionBody>;

const SetBackupRetentionState = Type.Object({});

/** Turning automated backups on or off restarts the instance; between two non-zero values it does not. */
export const restartsInstance = (from: number, to: number) => (from === 0) !== (to === 0);

/**
 * Set how many days of automated backups (and so of point-in-time restore) an RDS instance keeps.
 * Refused at 0 on a source of read replicas, as RDS refuses it.
 */
export const setBackupRetention = defineOperation({
  kind: "set_backup_retention",
  targetKinds: ["db_instance"],
  minRole: "operator",
  path: "backup-retention",
  summary: "Set the backup retention of an RDS instance (0–35 days)",
  description:
    "ModifyDBInstance with BackupRetentionPeriod. Going between 0 and non-zero turns automated backups on or off " +
    "and restarts the instance (an outage); it is applied immediately unless `applyImmediately: false` (then in " +
    "the next maintenance window). A change between two non-zero values applies at once without a restart. " +
    "Refused at 0 on an instance that has read replicas.",
  body: SetBackupRetentionBody,
  state: SetBackupRetentionState,
  // A restart takes minutes, but the change is asked only once a backup or change under way has ended.
  defaultTimeoutMinutes: 60,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    const instance = await describeDbInstance(cloud, target.cloudId);
    const from = instance.backupRetentionDays;
    const to = params.days;
    if (to === 0 && instance.readReplicaIdentifiers.length > 0) {
      throw new ConflictError(
        "replicas_need_backups",
        `${instance.identifier} is the source of read replicas (${instance.readReplicaIdentifiers.join(", ")}); RDS keeps automated backups on a source of replicas, so its retention cannot be 0`,
        { replicas: instance.readReplicaIdentifiers },
      );
    }
    if (from === to) {
      return {
        summary: `nothing to change: ${instance.identifier} already keeps backups ${to} days`,
        changes: [],
        checks: [{ name: "already set", passed: true, detail: "the operation succeeds without calling RDS" }],
      };
    }
    const restarts = restartsInstance(from, to);
    const applyImmediately = params.applyImmediately ?? true;
    const checks: PlanCheck[] = [availableCheck(instance), timingCheck(applyImmediately, !restarts)];
    if (restarts) {
      checks.push({
        name: "restart",
        passed: true,
        detail: `turning automated backups ${to === 0 ? "off" : "on"} restarts ${instance.identifier}: an outage of a few minutes${applyImmediately ? " now" : " in the maintenance window"}`,
      });
    }
    if (to === 0) {
      checks.push({
        name: "restore window",
        passed: true,
        detail: "with 0 days, automated backups are deleted and no point-in-time restore is possible",
      });
    } else if (to < from) {
      checks.push({
        name: "restore window",
        passed: true,
        detail: `point-in-time restore will reach back ${to} days instead of ${from}; older automated backups are deleted`,
      });
    }
    return {
      summary: `keep automated backups of ${instance.identifier} for ${to} days (now ${from})`,
      changes: [{ field: "backupRetentionDays", from, to }],
      checks,
    };
  },

  step: ({ operation, target, cloud }) =>
    stepDbSettingChange(
      {
        kind: "set_backup_retention",
        setting: "backupRetentionDays",
        wanted: operation.params.days,
        applyImmediately: operation.params.applyImmediately ?? true,
      },
      { step: operation.step, target, cloud },
    ),

  cancellableIn: (step) => step === "act",
});
