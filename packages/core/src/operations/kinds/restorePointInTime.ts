import type { DbInstanceState } from "../../cloud/cloudTypes.ts";
import { ConflictError, type FieldProblem, ValidationError } from "../../errors.ts";
import type { Resource, ResourceSpec } from "../../inventory/types.ts";
import type { OperationDefinition, StepOutcome } from "../operationTypes.ts";
import { createdSince, describeDbInstance, findDbInstance } from "./dbInstanceLookup.ts";
import { parseIsoInstant } from "./isoInstant.ts";
import { normaliseRdsIdentifier, rdsIdentifierProblems } from "./rdsIdentifier.ts";

export interface RestorePointInTimeParams {
  /** The new instance's identifier; must be free. */
  targetIdentifier: string;
  /** ISO 8601 with an offset; exactly one of this and `useLatestRestorableTime`. */
  restoreTime?: string;
  useLatestRestorableTime?: boolean;
  /** Defaults to the source's class. */
  instanceClass?: string;
  /** Defaults to false, as RDS does for a restore. */
  multiAz?: boolean;
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
const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

interface CheckedRequest {
  targetIdentifier: string;
  /** Null when restoring to the latest restorable time. */
  restoreTime: Date | null;
}

/** Everything that can be checked without the cloud, reported together. */
function checkParams(params: RestorePointInTimeParams, now: Date): CheckedRequest {
  const problems: FieldProblem[] = [];
  const hasTime = params.restoreTime !== undefined && params.restoreTime !== null;
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
  if (hasTime) {
    restoreTime = typeof params.restoreTime === "string" ? parseIsoInstant(params.restoreTime) : null;
    if (!restoreTime) {
      problems.push({
        field: "/restoreTime",
        rule: "format",
        message: `${String(params.restoreTime)} is not an ISO 8601 date-time with an offset, e.g. 2026-11-25T12:00:00Z`,
      });
    } else if (restoreTime > now) {
      problems.push({
        field: "/restoreTime",
        rule: "not_in_future",
        message: `${restoreTime.toISOString()} is in the future (now is ${now.toISOString()})`,
      });
    }
  }
  if (params.useLatestRestorableTime !== undefined && typeof params.useLatestRestorableTime !== "boolean") {
    problems.push({ field: "/useLatestRestorableTime", rule: "type", message: "must be true or false" });
  }
  problems.push(...rdsIdentifierProblems("/targetIdentifier", params.targetIdentifier));
  if (params.instanceClass !== undefined && !INSTANCE_CLASS.test(String(params.instanceClass))) {
    problems.push({
      field: "/instanceClass",
      rule: "format",
      message: `${String(params.instanceClass)} is not an RDS instance class such as db.r6g.large`,
    });
  }
  if (params.multiAz !== undefined && typeof params.multiAz !== "boolean") {
    problems.push({ field: "/multiAz", rule: "type", message: "must be true or false" });
  }
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
      role: "standalone",
      engine: source.database?.engine ?? restored.engine,
      engineVersion: restored.engineVersion,
      sourceDbIdentifier: null,
      multiAz: restored.multiAz,
      backupRetentionDays: restored.backupRetentionDays,
      earliestRestorableTime: restored.earliestRestorableTime,
      latestRestorableTime: restored.latestRestorableTime,
    },
  };
}

/**
 * Restore an RDS instance to a point in time into a new instance (RDS never
 * restores in place): the recovery from bad data or a lost primary without a
 * replica. The source is not changed.
 */
export const restorePointInTime: OperationDefinition<RestorePointInTimeParams> = {
  kind: "restore_point_in_time",
  targetKinds: ["db_instance"],
  minRole: "admin",
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
    const instanceClass = params.instanceClass ?? source.instanceClass;
    const multiAz = params.multiAz ?? false;
    const when = request.restoreTime
      ? request.restoreTime.toISOString()
      : `the latest restorable time (now ${window.latest.toISOString()})`;
    return {
      summary: `restore ${source.identifier} as of ${when} into a new ${multiAz ? "Multi-AZ" : "Single-AZ"} ${instanceClass} instance ${request.targetIdentifier}; ${source.identifier} is not changed`,
      changes: [
        { field: "dbInstanceIdentifier", from: null, to: request.targetIdentifier },
        { field: "instanceClass", from: null, to: instanceClass },
        { field: "multiAz", from: null, to: multiAz },
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
    };
  },

  async step({ operation, target, cloud, now }): Promise<StepOutcome> {
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
        await cloud.databases.restoreToPointInTime({
          sourceIdentifier: target.cloudId,
          targetIdentifier,
          ...(restoreTime ? { restoreTime } : { useLatestRestorableTime: true }),
          ...(params.instanceClass !== undefined && { instanceClass: params.instanceClass }),
          multiAz: params.multiAz ?? false,
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
          const requestedAt = Date.parse(String(operation.state.requestedAt));
          if (now.getTime() - requestedAt > MISSING_AFTER_REQUEST_MS) {
            return {
              type: "failed",
              code: "restore_missing",
              message: `${targetIdentifier} has not appeared ${MISSING_AFTER_REQUEST_MS / 60_000} minutes after the restore was requested`,
            };
          }
          return { type: "wait", recheckAfterMs: RECHECK_MS, message: `${targetIdentifier} is not listed yet` };
        }
        if (FAILED_STATUSES.has(restored.status)) {
          return { type: "failed", code: "restore_failed", message: `${targetIdentifier} is ${restored.status}` };
        }
        if (restored.status !== "available") {
          return {
            type: "wait",
            recheckAfterMs: RECHECK_MS,
            message: `${targetIdentifier} is ${restored.status}`,
            data: { status: restored.status },
          };
        }
        return { type: "advance", step: "verify", message: `${targetIdentifier} is available` };
      }
      case "verify": {
        const restored = await describeDbInstance(cloud, targetIdentifier);
        const wantedMultiAz = params.multiAz ?? false;
        const classDiffers = params.instanceClass !== undefined && restored.instanceClass !== params.instanceClass;
        if (restored.status !== "available" || restored.multiAz !== wantedMultiAz || classDiffers) {
          return {
            type: "failed",
            code: "not_verified",
            message: `${targetIdentifier} is ${restored.status}, ${restored.instanceClass}, Multi-AZ ${restored.multiAz}; not what was asked`,
          };
        }
        return {
          type: "succeeded",
          message: `${targetIdentifier} is available, restored from ${target.cloudId}`,
          result: {
            identifier: restored.identifier,
            sourceIdentifier: target.cloudId,
            restoreTime: params.restoreTime ?? null,
            useLatestRestorableTime: params.useLatestRestorableTime === true,
            instanceClass: restored.instanceClass,
            multiAz: restored.multiAz,
            endpoint: restored.endpoint,
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
      default:
        return { type: "failed", code: "unknown_step", message: `restore_point_in_time has no step ${operation.step}` };
    }
  },

  // The restore only creates a new instance, but once asked for RDS cannot call it off.
  cancellableIn: (step) => step === "act",
};
