import { createHash } from "node:crypto";
import { type Static, Type } from "typebox";
import { isCloudError } from "../../cloud/cloudErrors.ts";
import type { DbInstanceState } from "../../cloud/cloudTypes.ts";
import {
  DR_DRILL_POINTS_IN_TIME,
  DRILL_DEADLINE_TAG,
  DRILL_SCRATCH_TAG,
  type DrDrillEvidence,
  secondsBetween,
} from "../../dr/drillEvidence.ts";
import { ConflictError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import type { OperationRecord, StepOutcome } from "../operationTypes.ts";
import { describeDbInstance, findDbInstance } from "./dbInstanceLookup.ts";
import { RDS_IDENTIFIER_MAX_LENGTH } from "./rdsIdentifier.ts";
import { resolveRestoreSettings } from "./restoreSettings.ts";

const DrDrillBody = Type.Object(
  {
    pointInTime: Type.Optional(
      Type.Enum([...DR_DRILL_POINTS_IN_TIME], {
        description: "`latest` (default): the latest restorable time; `random`: a random time in the restorable window",
      }),
    ),
  },
  { additionalProperties: false },
);
export type DrDrillParams = Static<typeof DrDrillBody>;

const SavedInstant = Type.String({ format: "date-time", maxLength: 40 });

const DrDrillState = Type.Object({
  /** Derived from the source and the operation id; kept for the failure message, which has no target. */
  scratchIdentifier: Type.Optional(Type.String({ maxLength: RDS_IDENTIFIER_MAX_LENGTH })),
  /** The source's identifier, for the evidence of an ending the reconciler makes (it has no target). */
  sourceIdentifier: Type.Optional(Type.String({ maxLength: RDS_IDENTIFIER_MAX_LENGTH })),
  /** Chosen once by `choose`, so a step run again after a crash restores to the same point. */
  restorePoint: Type.Optional(SavedInstant),
  restoreRequestedAt: Type.Optional(SavedInstant),
  /** The first look that found the scratch instance listed. */
  scratchSeenAt: Type.Optional(SavedInstant),
  availableAt: Type.Optional(SavedInstant),
  checkPassed: Type.Optional(Type.Boolean()),
  checkProblems: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 10 })),
  deleteRequestedAt: Type.Optional(SavedInstant),
});
type DrillState = Static<typeof DrDrillState>;
type DrillOutcome = StepOutcome<DrillState>;
type DrillOperation = OperationRecord<DrDrillParams, DrillState>;

/** Restores take ten minutes or more, a delete a few: once every 30 s keeps the measured RTO within 30 s. */
const RECHECK_MS = 30_000;
/** RDS may take a moment to list a new instance; longer than this and the restore request was lost. */
const MISSING_AFTER_REQUEST_MS = 15 * 60_000;
const FAILED_STATUSES = new Set([
  "failed",
  "incompatible-restore",
  "incompatible-parameters",
  "incompatible-network",
  "storage-full",
]);
/** Statuses RDS refuses DeleteDBInstance in: the change under way must finish first. */
const BUSY_STATUSES = new Set(["creating", "modifying", "rebooting", "backing-up", "configuring-enhanced-monitoring"]);
const CLEANUP_STEP = "delete_scratch";
/** Long enough to wait out a restore still creating (up to ~35 min in the simulator) and then delete it. */
const CLEANUP_GRACE_MINUTES = 60;
const DRILL_SUFFIX = "-drill-";
const SHORT_ID_LENGTH = 8;

/** `<source>-drill-<first 8 hex of the operation id>`, the source shortened to fit RDS's 63 characters. */
export function scratchIdentifierOf(sourceIdentifier: string, operationId: string): string {
  const shortId = operationId.replace(/-/g, "").slice(0, SHORT_ID_LENGTH).toLowerCase();
  const room = RDS_IDENTIFIER_MAX_LENGTH - DRILL_SUFFIX.length - SHORT_ID_LENGTH;
  const source = sourceIdentifier.toLowerCase().slice(0, room).replace(/-+$/, "");
  return `${source}${DRILL_SUFFIX}${shortId}`;
}

/** A fraction in [0, 1) fixed by the operation id: a random point that a repeated step chooses again. */
function fractionOf(operationId: string): number {
  return createHash("sha256").update(operationId).digest().readUInt32BE(0) / 2 ** 32;
}

function restoreWindowOf(source: DbInstanceState): { earliest: Date; latest: Date } {
  const latest = source.latestRestorableTime;
  if (!latest || source.backupRetentionDays === 0) {
    throw new ConflictError(
      "no_restorable_time",
      `${source.identifier} has no restorable time (backup retention ${source.backupRetentionDays} days): there is nothing to drill; turn on automated backups first`,
      { backupRetentionDays: source.backupRetentionDays },
    );
  }
  const earliest =
    source.earliestRestorableTime ?? new Date(latest.getTime() - source.backupRetentionDays * 24 * 3_600_000);
  return { earliest, latest };
}

/** What the checks find wrong with the scratch instance, against its source. */
function checkProblemsOf(scratch: DbInstanceState, source: DbInstanceState): string[] {
  const problems: string[] = [];
  if (scratch.status !== "available") problems.push(`status is ${scratch.status}, not available`);
  if (scratch.engine !== source.engine) problems.push(`engine is ${scratch.engine}, not ${source.engine}`);
  if (scratch.engineVersion !== source.engineVersion) {
    problems.push(`engine version is ${scratch.engineVersion ?? "unknown"}, not ${source.engineVersion ?? "unknown"}`);
  }
  if (!scratch.endpoint) problems.push("it has no endpoint");
  return problems;
}

function evidenceOf(operation: DrillOperation, source: string, deletedAt: string | null): DrDrillEvidence {
  const { state } = operation;
  const requestedAt = operation.createdAt.toISOString();
  return {
    sourceIdentifier: source,
    scratchIdentifier: scratchIdentifierOf(source, operation.id),
    pointInTime: operation.params.pointInTime ?? "latest",
    requestedAt,
    restoredPointAt: state.restorePoint ?? null,
    availableAt: state.availableAt ?? null,
    deletedAt,
    measuredRtoSeconds: state.availableAt ? secondsBetween(requestedAt, state.availableAt) : null,
    // A point chosen after the request (a cloud whose latest restorable time is its own now) loses nothing.
    achievedRpoSeconds: state.restorePoint ? Math.max(0, secondsBetween(state.restorePoint, requestedAt)) : null,
    checkPassed: state.checkPassed ?? null,
    checkProblems: state.checkProblems ?? [],
  };
}

const waitFor = (message: string, state?: DrillState, data?: Record<string, unknown>): DrillOutcome => ({
  type: "wait",
  recheckAfterMs: RECHECK_MS,
  message,
  ...(state && { state }),
  ...(data && { data }),
});

const isOurs = (instance: DbInstanceState, operation: DrillOperation) =>
  instance.tags[DRILL_SCRATCH_TAG] === operation.id;

/**
 * The cleanup step, on every ending: the scratch instance is deleted without a final snapshot and
 * the drill ends once it is gone. An instance under the scratch name that this drill did not
 * create is never touched.
 */
async function deleteScratch(
  operation: DrillOperation,
  source: string,
  cloud: Parameters<typeof findDbInstance>[0],
  now: Date,
): Promise<DrillOutcome> {
  const scratch = scratchIdentifierOf(source, operation.id);
  const { state } = operation;
  const instance = await findDbInstance(cloud, scratch);
  if (!instance) {
    const requested = state.restoreRequestedAt;
    // Right after the restore request RDS may not list the instance yet: one that turns up later would be billed.
    if (
      requested !== undefined &&
      state.scratchSeenAt === undefined &&
      now.getTime() - Date.parse(requested) < MISSING_AFTER_REQUEST_MS
    ) {
      return waitFor(`${scratch} is not listed yet; waiting for it to appear so it can be deleted`);
    }
    const existed = requested !== undefined;
    const deletedAt = existed ? now.toISOString() : null;
    const evidence = evidenceOf(operation, source, deletedAt);
    const deleted = existed ? `scratch instance ${scratch} deleted` : "no scratch instance was created";
    if (state.checkPassed === false) {
      return {
        type: "failed",
        code: "drill_check_failed",
        message: `${scratch} failed its checks: ${evidence.checkProblems.join("; ")}; ${deleted}`,
        result: { ...evidence },
        evidence,
      };
    }
    return { type: "succeeded", message: deleted, result: { ...evidence }, evidence };
  }
  if (!isOurs(instance, operation)) {
    return {
      type: "failed",
      code: "scratch_not_ours",
      message: `${scratch} exists but was not created by this drill (tag ${DRILL_SCRATCH_TAG} is ${instance.tags[DRILL_SCRATCH_TAG] ?? "missing"}); it was left alone`,
      evidence: evidenceOf(operation, source, null),
    };
  }
  if (instance.status === "deleting") return waitFor(`${scratch} is deleting`, {}, { status: instance.status });
  if (BUSY_STATUSES.has(instance.status)) {
    return waitFor(
      `${scratch} is ${instance.status}; it is deleted once that finishes`,
      {},
      { status: instance.status },
    );
  }
  try {
    await cloud.databases.deleteInstanceWithoutSnapshot(scratch);
  } catch (error) {
    if (!isCloudError(error)) throw error;
    // The instance moved into a state RDS cannot delete from (or another try is deleting it): look again.
    if (error.kind === "invalid_state" || error.kind === "not_found") {
      return waitFor(`${scratch} cannot be deleted yet: ${error.message}`);
    }
    // Throttling and outages are retried by the reconciler; a refusal ends the drill with its evidence kept.
    if (error.retryable) throw error;
    return {
      type: "failed",
      code: "scratch_delete_refused",
      message: `DeleteDBInstance ${scratch} was refused: ${error.message}; the scratch instance ${scratch} still exists and is billed; delete it (DeleteDBInstance with SkipFinalSnapshot)`,
      ...((error.requestId || error.providerCode) && {
        errorDetails: {
          ...(error.requestId && { cloudRequestId: error.requestId }),
          ...(error.providerCode && { providerCode: error.providerCode }),
        },
      }),
      evidence: evidenceOf(operation, source, null),
    };
  }
  return waitFor(
    `asked RDS to delete ${scratch} without a final snapshot`,
    { deleteRequestedAt: state.deleteRequestedAt ?? now.toISOString() },
    { status: instance.status },
  );
}

/**
 * DR drill: restore a database into a scratch instance, check it, measure how long the recovery
 * took (RTO) and how much it would have lost (RPO), and delete the scratch instance, whatever
 * happens: a failed check, a cancel, the deadline or lost workers all end through the delete.
 */
export const drDrill = defineOperation({
  kind: "dr_drill",
  targetKinds: ["db_instance"],
  minRole: "operator",
  path: "dr-drill",
  summary: "Run a DR drill: restore into a scratch instance, measure RTO and RPO, delete it",
  description:
    "Restores the database to its latest restorable time (or, with `pointInTime: random`, a random time in its " +
    "window) into a Single-AZ scratch instance `<source>-drill-<id>` tagged `fastier:dr-drill`, waits until it is " +
    "available, checks it (status, engine and version, endpoint), records the measured RTO (request to available) " +
    "and the achieved RPO (how far the restored point trails the request), then deletes it without a final " +
    "snapshot. The delete runs on every ending: a failed check, a cancel (allowed until the delete), the deadline " +
    `(with ${CLEANUP_GRACE_MINUTES} more minutes for the delete) or lost workers. Results: GET /v1/resources/{id}/dr-drills.`,
  body: DrDrillBody,
  state: DrDrillState,
  // A restore replays up to a day of logs (tens of minutes), then the check and the delete.
  defaultTimeoutMinutes: 120,
  firstStep: "choose",
  cleanup: { step: CLEANUP_STEP, graceMinutes: CLEANUP_GRACE_MINUTES },

  async plan({ target, params, cloud }) {
    const pointInTime = params.pointInTime ?? "latest";
    // A database without automated backups has nothing to drill: refused now rather than failed later.
    const window = restoreWindowOf(await describeDbInstance(cloud, target.cloudId));
    return {
      summary:
        `restore ${target.cloudId} to ${pointInTime === "latest" ? "its latest restorable time" : "a random time in its restorable window"} ` +
        `into a Single-AZ scratch instance ${scratchIdentifierOf(target.cloudId, "<id>")} (<id>: the operation's first 8 hex digits), ` +
        `check it, measure RTO and RPO, then delete it without a final snapshot; ${target.cloudId} is not changed`,
      changes: [
        { field: "scratchInstance", from: null, to: "created, checked, then deleted" },
        { field: "pointInTime", from: null, to: pointInTime },
      ],
      checks: [
        {
          name: "restorable window",
          passed: true,
          detail: `earliest ${window.earliest.toISOString()}, latest ${window.latest.toISOString()}`,
        },
      ],
    };
  },

  async step({ operation, target, cloud, now }) {
    const source = target.cloudId;
    const scratch = scratchIdentifierOf(source, operation.id);
    switch (operation.step) {
      case "choose": {
        const window = restoreWindowOf(await describeDbInstance(cloud, source));
        const span = window.latest.getTime() - window.earliest.getTime();
        const point =
          operation.params.pointInTime === "random"
            ? new Date(window.earliest.getTime() + Math.floor(fractionOf(operation.id) * span))
            : window.latest;
        return {
          type: "advance",
          step: "restore",
          message: `restoring ${source} as of ${point.toISOString()} (window ${window.earliest.toISOString()} to ${window.latest.toISOString()})`,
          // Whole seconds: RDS restores to the second.
          state: {
            restorePoint: new Date(Math.floor(point.getTime() / 1000) * 1000).toISOString(),
            scratchIdentifier: scratch,
            sourceIdentifier: source,
          },
        };
      }
      case "restore": {
        // Check before acting: after a crash the restore may be under way already.
        const existing = await findDbInstance(cloud, scratch);
        if (existing) {
          if (!isOurs(existing, operation)) {
            return {
              type: "failed",
              code: "scratch_exists",
              message: `${scratch} exists and is not this drill's; nothing was restored`,
            };
          }
          return {
            type: "advance",
            step: "await_available",
            message: `${scratch} is already being restored (${existing.status})`,
            state: { restoreRequestedAt: operation.state.restoreRequestedAt ?? now.toISOString() },
          };
        }
        const { restorePoint } = operation.state;
        if (!restorePoint) return { type: "failed", code: "corrupt_state", message: "no restore point was chosen" };
        const sourceNow = await describeDbInstance(cloud, source);
        // The source's network and class, so the measured time is the real one; Single-AZ, as a drill needs no standby.
        const { settings } = resolveRestoreSettings(sourceNow, { multiAz: false });
        const grace = operation.deadlineAt.getTime() + CLEANUP_GRACE_MINUTES * 60_000;
        await cloud.databases.restoreToPointInTime({
          sourceIdentifier: source,
          targetIdentifier: scratch,
          restoreTime: new Date(restorePoint),
          instanceClass: settings.instanceClass,
          multiAz: false,
          ...(settings.dbSubnetGroupName !== null && { dbSubnetGroupName: settings.dbSubnetGroupName }),
          ...(settings.vpcSecurityGroupIds.length > 0 && { vpcSecurityGroupIds: settings.vpcSecurityGroupIds }),
          ...(settings.dbParameterGroupName !== null && { dbParameterGroupName: settings.dbParameterGroupName }),
          tags: { [DRILL_SCRATCH_TAG]: operation.id, [DRILL_DEADLINE_TAG]: new Date(grace).toISOString() },
        });
        return {
          type: "advance",
          step: "await_available",
          message: `asked RDS to restore ${source} as of ${restorePoint} into ${scratch}`,
          state: { restoreRequestedAt: now.toISOString() },
        };
      }
      case "await_available": {
        const instance = await findDbInstance(cloud, scratch);
        const requested = operation.state.restoreRequestedAt;
        if (!instance) {
          if (requested !== undefined && now.getTime() - Date.parse(requested) > MISSING_AFTER_REQUEST_MS) {
            return {
              type: "failed",
              code: "restore_missing",
              message: `${scratch} has not appeared ${MISSING_AFTER_REQUEST_MS / 60_000} minutes after the restore was accepted`,
            };
          }
          return waitFor(`${scratch} is not listed yet`);
        }
        const seen = { scratchSeenAt: operation.state.scratchSeenAt ?? now.toISOString() };
        if (FAILED_STATUSES.has(instance.status)) {
          return { type: "failed", code: "restore_failed", message: `${scratch} is ${instance.status}` };
        }
        if (instance.status !== "available") {
          return waitFor(`${scratch} is ${instance.status}`, seen, { status: instance.status });
        }
        return {
          type: "advance",
          step: "check",
          message: `${scratch} is available after ${secondsBetween(operation.createdAt, now)} s`,
          state: { ...seen, availableAt: now.toISOString() },
        };
      }
      case "check": {
        const [instance, sourceNow] = await Promise.all([
          describeDbInstance(cloud, scratch),
          describeDbInstance(cloud, source),
        ]);
        const problems = checkProblemsOf(instance, sourceNow);
        const state = { checkPassed: problems.length === 0, checkProblems: problems };
        const evidence = evidenceOf({ ...operation, state: { ...operation.state, ...state } }, source, null);
        if (problems.length > 0) {
          // The drill fails once its scratch instance is gone: the delete step ends it (see deleteScratch).
          return {
            type: "advance",
            step: CLEANUP_STEP,
            message: `${scratch} failed its checks: ${problems.join("; ")}; deleting it`,
            state,
            data: { checkProblems: problems },
          };
        }
        return {
          type: "advance",
          step: CLEANUP_STEP,
          message: `${scratch} passed its checks (available, ${instance.engine} ${instance.engineVersion}, endpoint ${instance.endpoint}); measured RTO ${evidence.measuredRtoSeconds} s, achieved RPO ${evidence.achievedRpoSeconds} s`,
          state,
          data: { measuredRtoSeconds: evidence.measuredRtoSeconds, achievedRpoSeconds: evidence.achievedRpoSeconds },
        };
      }
      case CLEANUP_STEP:
        return deleteScratch(operation, source, cloud, now);
      default:
        return { type: "failed", code: "unknown_step", message: `dr_drill has no step ${operation.step}` };
    }
  },

  // Until the delete, a cancel ends the drill early, through the delete.
  cancellableIn: (step) => step !== CLEANUP_STEP,

  // What was measured so far, for a drill the reconciler ends (its delete timed out, or workers died in it).
  evidence: (operation) =>
    operation.state.sourceIdentifier ? evidenceOf(operation, operation.state.sourceIdentifier, null) : null,

  // Only a delete that could not finish leaves something behind; every other ending goes through it.
  leftBehind: (operation) =>
    operation.step === CLEANUP_STEP && operation.state.scratchIdentifier
      ? `the scratch instance ${operation.state.scratchIdentifier} may still exist and is billed; delete it (DeleteDBInstance with SkipFinalSnapshot)`
      : null,
});
