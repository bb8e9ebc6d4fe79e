import { type Static, Type } from "typebox";
import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import { type DbInstanceState, RDS_STORAGE_TYPES } from "../../cloud/cloudTypes.ts";
import { ConflictError, type FieldProblem, ValidationError } from "../../errors.ts";
import type { Resource, ResourceSpec } from "../../inventory/types.ts";
import { defineOperation } from "../defineOperation.ts";
import type { OperationRecord, StepOutcome } from "../operationTypes.ts";
import { createdSince, databaseSpecOf, describeDbInstance, findDbInstance } from "./dbInstanceLookup.ts";
import { parseIsoInstant } from "./isoInstant.ts";
import { normaliseRdsIdentifier, rdsIdentifierProblems } from "./rdsIdentifier.ts";
import { DbIdentifier } from "./requestFields.ts";
import {
  CONVERGE_BY_MODIFY,
  DB_PARAMETER_GROUP_NAME,
  DB_SUBNET_GROUP_NAME,
  describeSettingValue,
  differencesFrom,
  INSTANCE_CLASS,
  MAX_SECURITY_GROUPS,
  modificationFor,
  RESTORE_SETTING_NAMES,
  type RestoreSettings,
  resolveRestoreSettings,
  SECURITY_GROUP_ID,
  type SettingDifference,
  settingsFromPlan,
} from "./restoreSettings.ts";

/** Each setting left out defaults to the source's (RDS's own defaults would not copy it). */
const RestorePointInTimeBody = Type.Object(
  {
    /** The new instance's identifier; must be free. */
    targetIdentifier: DbIdentifier,
    /** ISO 8601 with an offset; exactly one of this and `useLatestRestorableTime`. */
    restoreTime: Type.Optional(Type.String({ format: "date-time", maxLength: 40 })),
    useLatestRestorableTime: Type.Optional(Type.Boolean()),
    instanceClass: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: INSTANCE_CLASS.source,
        description: "Defaults to the source's",
      }),
    ),
    multiAz: Type.Optional(Type.Boolean({ description: "Defaults to the source's" })),
    dbSubnetGroupName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: DB_SUBNET_GROUP_NAME.source,
        description: "Defaults to the source's",
      }),
    ),
    vpcSecurityGroupIds: Type.Optional(
      Type.Array(Type.String({ maxLength: 20, pattern: SECURITY_GROUP_ID.source }), {
        minItems: 1,
        maxItems: MAX_SECURITY_GROUPS,
        uniqueItems: true,
        description: "Defaults to the source's",
      }),
    ),
    dbParameterGroupName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: DB_PARAMETER_GROUP_NAME.source,
        description: "Defaults to the source's",
      }),
    ),
    storageType: Type.Optional(Type.Enum([...RDS_STORAGE_TYPES], { description: "Defaults to the source's" })),
  },
  { additionalProperties: false },
);
export type RestorePointInTimeParams = Static<typeof RestorePointInTimeBody>;

/** An instant the steps saved, as `Date#toISOString` writes it. */
const SavedInstant = Type.String({ format: "date-time", maxLength: 40 });

const RestorePointInTimeState = Type.Object({
  /** When `act` asked for the restore (or found it under way): how long `wait` waits for the instance to be listed. */
  requestedAt: Type.Optional(SavedInstant),
  /** When `verify` asked RDS to modify the new instance to match the request; set once, so it asks once. */
  convergeRequestedAt: Type.Optional(SavedInstant),
  /** The settings that modification changes. */
  converging: Type.Optional(
    Type.Array(Type.Enum([...RESTORE_SETTING_NAMES]), { maxItems: RESTORE_SETTING_NAMES.length, uniqueItems: true }),
  ),
});
type RestoreOutcome = StepOutcome<Static<typeof RestorePointInTimeState>>;

/** Rechecks later while the new instance is not available yet. */
function waitWhile(targetIdentifier: string, status: string): RestoreOutcome {
  return { type: "wait", recheckAfterMs: RECHECK_MS, message: `${targetIdentifier} is ${status}`, data: { status } };
}

/** A restore takes ten minutes or more; checking once a minute is plenty. */
const RECHECK_MS = 60_000;
/** RDS may take a moment to list a new instance; longer than this and the request was lost. */
const MISSING_AFTER_REQUEST_MS = 15 * 60_000;
/** Statuses an instance being restored does not come back from. */
const FAILED_STATUSES = new Set([
  "failed",
  "incompatible-restore",
  "incompatible-parameters",
  "incompatible-network",
  "deleting",
]);
/** A modification may take a moment to show as `modifying`; an instance still unchanged after this was not modified. */
const CONVERGE_GRACE_MS = 5 * 60_000;

interface CheckedRequest {
  targetIdentifier: string;
  /** Null when restoring to the latest restorable time. */
  restoreTime: Date | null;
}

/** Everything that can be checked without the cloud, reported together. */
function checkParams(params: RestorePointInTimeParams, now: Date): CheckedRequest {
  const problems: FieldProblem[] = [];
  const hasTime = params.restoreTime !== undefined;
  const useLatest = params.useLatestRestorableTime === true;
  if (hasTime === useLatest) {
    const message = hasTime
      ? "give either restoreTime or useLatestRestorableTime, not both"
      : "give exactly one of restoreTime and useLatestRestorableTime";
    problems.push(
      { field: "/restoreTime", rule: "exactly_one", message },
      { field: "/useLatestRestorableTime", rule: "exactly_one", message },
    );
  }
  let restoreTime: Date | null = null;
  if (params.restoreTime !== undefined) {
    restoreTime = parseIsoInstant(params.restoreTime);
    if (!restoreTime) {
      problems.push({
        field: "/restoreTime",
        rule: "format",
        message: `${params.restoreTime} is not an ISO 8601 date-time with an offset, e.g. 2026-11-25T12:00:00Z`,
      });
    } else if (restoreTime > now) {
      problems.push({
        field: "/restoreTime",
        rule: "not_in_future",
        message: `${restoreTime.toISOString()} is in the future (now is ${now.toISOString()})`,
      });
    }
  }
  problems.push(...rdsIdentifierProblems("/targetIdentifier", params.targetIdentifier));
  if (problems.length > 0) throw new ValidationError(problems);
  return { targetIdentifier: normaliseRdsIdentifier(params.targetIdentifier), restoreTime };
}

function requireWithinWindow(source: DbInstanceState, restoreTime: Date | null) {
  const latest = source.latestRestorableTime;
  if (!latest || source.backupRetentionDays === 0) {
    throw new ConflictError(
      "no_restorable_time",
      `${source.identifier} has no restorable time (backup retention ${source.backupRetentionDays} days); turn on automated backups first`,
      { backupRetentionDays: source.backupRetentionDays },
    );
  }
  // The earliest time can be unknown while backups are on (the automated-backups listing was not
  // allowed or not answered): the latest time alone is enough, and an explicit time is then checked
  // against the retention period, which bounds how far back the backups can reach.
  const earliest =
    source.earliestRestorableTime ?? new Date(latest.getTime() - source.backupRetentionDays * 24 * 3_600_000);
  if (restoreTime && (restoreTime < earliest || restoreTime > latest)) {
    const window = { earliestRestorableTime: earliest.toISOString(), latestRestorableTime: latest.toISOString() };
    throw new ValidationError(
      [
        {
          field: "/restoreTime",
          rule: "restore_window",
          message: `${restoreTime.toISOString()} is outside the restorable window of ${source.identifier}: earliest restorable time ${window.earliestRestorableTime}, latest restorable time ${window.latestRestorableTime}`,
        },
      ],
      "restore_time_outside_window",
      { ...window, restoreTime: restoreTime.toISOString() },
    );
  }
  return { earliest, latest };
}

/** The new instance as the inventory records it: a standalone copy of the source's engine. */
function restoredResourceSpec(source: Resource, restored: DbInstanceState): Partial<ResourceSpec> {
  return {
    status: "active",
    region: source.region,
    availabilityZones: restored.availabilityZone ? [restored.availabilityZone] : [],
    tags: { ...restored.tags },
    instanceType: restored.instanceClass,
    database: {
      ...databaseSpecOf(restored),
      role: "standalone",
      engine: source.database?.engine ?? restored.engine,
      sourceDbIdentifier: null,
    },
  };
}

/** The settings this request names; the rest come from the source. */
const overridesOf = (params: RestorePointInTimeParams) => ({
  multiAz: params.multiAz,
  instanceClass: params.instanceClass,
  dbSubnetGroupName: params.dbSubnetGroupName,
  vpcSecurityGroupIds: params.vpcSecurityGroupIds,
  dbParameterGroupName: params.dbParameterGroupName,
  storageType: params.storageType,
});

/**
 * The settings to restore with: those the plan showed (and the caller accepted), or, for an
 * operation planned before plans listed them, the source's as they are now with the request's overrides.
 */
async function requestedSettings(
  operation: Pick<OperationRecord<RestorePointInTimeParams>, "params" | "plan">,
  target: Resource,
  cloud: CloudPort,
): Promise<RestoreSettings> {
  const planned = settingsFromPlan(operation.plan.settings);
  if (planned) return planned;
  const source = await describeDbInstance(cloud, target.cloudId);
  return resolveRestoreSettings(source, overridesOf(operation.params)).settings;
}

/** The sentence every failure after the restore was accepted carries, so nobody pays for a forgotten instance. */
const billedNote = (identifier: string) => `the new instance ${identifier} exists and is billed; delete it or retry`;

function failedAfterCreate(identifier: string, code: string, message: string): RestoreOutcome {
  return {
    type: "failed",
    code,
    message: `${message}; ${billedNote(identifier)}`,
    result: { createdInstance: identifier },
  };
}

const differenceText = ({ setting, requested, actual }: SettingDifference) =>
  `${setting} is ${describeSettingValue(actual)}, not ${describeSettingValue(requested)} as requested`;

/**
 * Restore an RDS instance to a point in time into a new instance (RDS never
 * restores in place): the recovery from bad data or a lost primary without a
 * replica. The source is not changed. The new instance copies the source's
 * Multi-AZ, class, network, parameter group and storage type unless the request
 * says otherwise, and is checked against them once it is available.
 */
export const restorePointInTime = defineOperation({
  kind: "restore_point_in_time",
  targetKinds: ["db_instance"],
  minRole: "admin",
  path: "restore",
  summary: "Restore an RDS instance to a point in time, as a new instance",
  description:
    "Admin only. Give `restoreTime` (within the source's earliest and latest restorable time) or " +
    "`useLatestRestorableTime: true`; `targetIdentifier` must not exist yet. Multi-AZ, instance class, " +
    "subnet group, security groups, parameter group and storage type default to the source's (the plan " +
    "shows each and where it came from). A new instance that differs from the request is modified to " +
    "match (Multi-AZ, class, security groups, parameter group) or the difference is a warning in the " +
    "result and the events (subnet group, storage type).",
  body: RestorePointInTimeBody,
  state: RestorePointInTimeState,
  // RDS restores a large database from its snapshot and replays the logs up to the time, which takes
  // hours; a modification to match the request (Multi-AZ, class) then adds more.
  defaultTimeoutMinutes: 240,
  firstStep: "act",

  async plan({ target, params, cloud, now }) {
    const request = checkParams(params, now);
    const source = await describeDbInstance(cloud, target.cloudId);
    const window = requireWithinWindow(source, request.restoreTime);
    const existing = await findDbInstance(cloud, request.targetIdentifier);
    if (existing) {
      throw new ConflictError(
        "target_exists",
        `a DB instance ${existing.identifier} already exists (${existing.status}); choose another targetIdentifier`,
        { targetIdentifier: existing.identifier, targetStatus: existing.status },
      );
    }
    const { settings, plan: planSettings } = resolveRestoreSettings(source, overridesOf(params));
    const overridden = Object.entries(planSettings)
      .filter(([, setting]) => setting.from === "request")
      .map(([name]) => name);
    const when = request.restoreTime
      ? request.restoreTime.toISOString()
      : `the latest restorable time (now ${window.latest.toISOString()})`;
    return {
      summary:
        `restore ${source.identifier} as of ${when} into a new ${settings.multiAz ? "Multi-AZ" : "Single-AZ"} ` +
        `${settings.instanceClass} instance ${request.targetIdentifier} with ${source.identifier}'s settings` +
        `${overridden.length > 0 ? ` except ${overridden.join(", ")}` : ""}; ${source.identifier} is not changed`,
      changes: [
        { field: "dbInstanceIdentifier", from: null, to: request.targetIdentifier },
        { field: "instanceClass", from: null, to: settings.instanceClass },
        { field: "multiAz", from: null, to: settings.multiAz },
        { field: "dbSubnetGroupName", from: null, to: settings.dbSubnetGroupName },
        { field: "vpcSecurityGroupIds", from: null, to: settings.vpcSecurityGroupIds },
        { field: "dbParameterGroupName", from: null, to: settings.dbParameterGroupName },
        { field: "storageType", from: null, to: settings.storageType },
        { field: "restoreTime", from: null, to: request.restoreTime?.toISOString() ?? "latest restorable time" },
      ],
      checks: [
        {
          name: "restorable window",
          passed: true,
          detail: `earliest ${window.earliest.toISOString()}, latest ${window.latest.toISOString()}`,
        },
        { name: "identifier free", passed: true, detail: `no DB instance ${request.targetIdentifier} exists` },
      ],
      settings: planSettings,
    };
  },

  async step({ operation, target, cloud, now }) {
    const { params } = operation;
    const targetIdentifier = normaliseRdsIdentifier(params.targetIdentifier);
    switch (operation.step) {
      case "act": {
        // Check before acting: after a crash the restore may already be under way.
        const existing = await findDbInstance(cloud, targetIdentifier);
        if (existing) {
          if (!createdSince(existing.createdAt, operation.createdAt)) {
            return {
              type: "failed",
              code: "target_exists",
              message: `${targetIdentifier} existed before this restore was requested; it is not this restore's instance`,
            };
          }
          return {
            type: "advance",
            step: "wait",
            message: `${targetIdentifier} is already being restored (${existing.status})`,
            state: { requestedAt: operation.state.requestedAt ?? now.toISOString() },
          };
        }
        const restoreTime = params.restoreTime ? parseIsoInstant(params.restoreTime) : null;
        // Never fall back to the latest time when a time was asked for: the plan checked it, so this is corruption.
        if (params.restoreTime && !restoreTime) {
          return {
            type: "failed",
            code: "invalid_params",
            message: `restoreTime ${params.restoreTime} does not parse`,
          };
        }
        const settings = await requestedSettings(operation, target, cloud);
        // Every setting is named: left out, RDS would make a Single-AZ instance in the default groups.
        await cloud.databases.restoreToPointInTime({
          sourceIdentifier: target.cloudId,
          targetIdentifier,
          ...(restoreTime ? { restoreTime } : { useLatestRestorableTime: true }),
          instanceClass: settings.instanceClass,
          multiAz: settings.multiAz,
          ...(settings.dbSubnetGroupName !== null && { dbSubnetGroupName: settings.dbSubnetGroupName }),
          ...(settings.vpcSecurityGroupIds.length > 0 && { vpcSecurityGroupIds: settings.vpcSecurityGroupIds }),
          ...(settings.dbParameterGroupName !== null && { dbParameterGroupName: settings.dbParameterGroupName }),
          ...(settings.storageType !== null && { storageType: settings.storageType }),
        });
        return {
          type: "advance",
          step: "wait",
          message: `asked to restore ${target.cloudId} as of ${restoreTime?.toISOString() ?? "its latest restorable time"} into ${targetIdentifier}`,
          state: { requestedAt: now.toISOString() },
        };
      }
      case "wait": {
        const restored = await findDbInstance(cloud, targetIdentifier);
        if (!restored) {
          const { requestedAt } = operation.state;
          // Saved by `act`; without it there is no telling how long it has been, and the deadline ends the wait.
          if (requestedAt !== undefined && now.getTime() - Date.parse(requestedAt) > MISSING_AFTER_REQUEST_MS) {
            // The restore was accepted: an instance that turns up late is still billed.
            return {
              type: "failed",
              code: "restore_missing",
              message: `${targetIdentifier} has not appeared ${MISSING_AFTER_REQUEST_MS / 60_000} minutes after the restore was accepted; if the new instance ${targetIdentifier} appears later it is billed: look for it and delete it, or retry`,
              result: { createdInstance: targetIdentifier },
            };
          }
          return { type: "wait", recheckAfterMs: RECHECK_MS, message: `${targetIdentifier} is not listed yet` };
        }
        if (FAILED_STATUSES.has(restored.status)) {
          return failedAfterCreate(targetIdentifier, "restore_failed", `${targetIdentifier} is ${restored.status}`);
        }
        if (restored.status !== "available") return waitWhile(targetIdentifier, restored.status);
        return { type: "advance", step: "verify", message: `${targetIdentifier} is available` };
      }
      case "verify": {
        const restored = await describeDbInstance(cloud, targetIdentifier);
        if (FAILED_STATUSES.has(restored.status)) {
          return failedAfterCreate(targetIdentifier, "restore_failed", `${targetIdentifier} is ${restored.status}`);
        }
        // A modification asked for by an earlier run of this step (a crash before it was saved) is under way.
        if (restored.status !== "available") return waitWhile(targetIdentifier, restored.status);
        const requested = await requestedSettings(operation, target, cloud);
        const differences = differencesFrom(requested, restored);
        const toConverge = differences.filter((d) => CONVERGE_BY_MODIFY.has(d.setting));
        if (toConverge.length > 0 && operation.state.convergeRequestedAt === undefined) {
          try {
            await cloud.databases.modifyInstance(targetIdentifier, modificationFor(requested, toConverge));
          } catch (error) {
            // Throttling and outages are retried by the reconciler (whose failure names the instance too).
            if (isCloudError(error) && !error.retryable) {
              return {
                ...failedAfterCreate(
                  targetIdentifier,
                  "converge_refused",
                  `${targetIdentifier} differs from the request (${toConverge.map(differenceText).join("; ")}) and ModifyDBInstance was refused: ${error.message}`,
                ),
                ...((error.requestId || error.providerCode) && {
                  errorDetails: {
                    ...(error.requestId && { cloudRequestId: error.requestId }),
                    ...(error.providerCode && { providerCode: error.providerCode }),
                  },
                }),
              };
            }
            throw error;
          }
          return {
            type: "advance",
            step: "converge",
            message: `${targetIdentifier} differs from the request: ${toConverge.map(differenceText).join("; ")}; asked RDS to modify ${toConverge.map((d) => d.setting).join(", ")} immediately`,
            state: { convergeRequestedAt: now.toISOString(), converging: toConverge.map((d) => d.setting) },
            data: { differences: toConverge },
          };
        }
        const converged = operation.state.converging ?? [];
        const warnings = differences.map((d) =>
          CONVERGE_BY_MODIFY.has(d.setting)
            ? `${differenceText(d)}, still after ModifyDBInstance`
            : `${differenceText(d)}; not changed by this operation (see the restore's design note for ${d.setting})`,
        );
        if (
          converged.includes("dbParameterGroupName") &&
          !differences.some((d) => d.setting === "dbParameterGroupName")
        ) {
          warnings.push(
            `${targetIdentifier} joined parameter group ${requested.dbParameterGroupName}; its static parameters apply at the next reboot`,
          );
        }
        return {
          type: "succeeded",
          message:
            `${targetIdentifier} is available, restored from ${target.cloudId}` +
            (converged.length > 0 ? `; modified ${converged.join(", ")} to match the request` : "") +
            (warnings.length > 0 ? `; with ${warnings.length} warning(s): ${warnings.join("; ")}` : ""),
          result: {
            identifier: restored.identifier,
            sourceIdentifier: target.cloudId,
            restoreTime: params.restoreTime ?? null,
            useLatestRestorableTime: params.useLatestRestorableTime === true,
            instanceClass: restored.instanceClass,
            multiAz: restored.multiAz,
            dbSubnetGroupName: restored.dbSubnetGroupName,
            vpcSecurityGroupIds: restored.vpcSecurityGroupIds,
            dbParameterGroupName: restored.dbParameterGroupName,
            storageType: restored.storageType,
            endpoint: restored.endpoint,
            converged,
            differences,
            warnings,
          },
          inventory: {
            updates: [],
            creates: [
              {
                kind: "db_instance",
                name: restored.identifier,
                cloudId: restored.identifier,
                spec: restoredResourceSpec(target, restored),
              },
            ],
          },
        };
      }
      case "converge": {
        const restored = await describeDbInstance(cloud, targetIdentifier);
        if (FAILED_STATUSES.has(restored.status)) {
          return failedAfterCreate(
            targetIdentifier,
            "converge_failed",
            `${targetIdentifier} is ${restored.status} while being modified to match the request`,
          );
        }
        if (restored.status !== "available") return waitWhile(targetIdentifier, restored.status);
        const requested = await requestedSettings(operation, target, cloud);
        const pending = differencesFrom(requested, restored).filter((d) => CONVERGE_BY_MODIFY.has(d.setting));
        const askedAt = operation.state.convergeRequestedAt;
        // Right after the call RDS may still show the instance available and unchanged: give it a moment.
        if (pending.length > 0 && askedAt !== undefined && now.getTime() - Date.parse(askedAt) < CONVERGE_GRACE_MS) {
          return {
            type: "wait",
            recheckAfterMs: RECHECK_MS,
            message: `${targetIdentifier} has not started the modification yet`,
          };
        }
        return {
          type: "advance",
          step: "verify",
          message: `${targetIdentifier} is available after the modification`,
        };
      }
      default:
        return { type: "failed", code: "unknown_step", message: `restore_point_in_time has no step ${operation.step}` };
    }
  },

  // The restore only creates a new instance, but once asked for RDS cannot call it off.
  cancellableIn: (step) => step === "act",

  // From `wait` on, the restore was accepted: the new instance exists (or is being created) and is billed.
  leftBehind: (operation) =>
    operation.step === "act" ? null : billedNote(normaliseRdsIdentifier(operation.params.targetIdentifier)),
});
