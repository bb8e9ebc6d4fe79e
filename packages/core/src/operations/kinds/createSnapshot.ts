import { type Static, Type } from "typebox";
import { ConflictError, ValidationError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import type { OperationRecord } from "../operationTypes.ts";
import { createdSince, describeDbInstance, findSnapshot } from "./dbInstanceLookup.ts";
import { normaliseRdsIdentifier, RDS_IDENTIFIER_MAX_LENGTH, rdsIdentifierProblems } from "./rdsIdentifier.ts";
import { DbIdentifier } from "./requestFields.ts";

const CreateSnapshotBody = Type.Object(
  {
    /** Defaults to `<db>-<yyyymmddhhmm>` (UTC) of when the operation is planned. */
    snapshotIdentifier: Type.Optional(DbIdentifier),
  },
  { additionalProperties: false },
);
export type CreateSnapshotParams = Static<typeof CreateSnapshotBody>;

/** The snapshot `act` asked for (or found already under way), for the operation's record. */
const CreateSnapshotState = Type.Object({ snapshotIdentifier: Type.Optional(DbIdentifier) });

/** A manual snapshot of a small instance takes minutes; a half-minute re-check shows progress. */
const RECHECK_MS = 30_000;

/** `fastier-db-202611251200`: the instance and the minute, cut so it stays a valid identifier. */
export function defaultSnapshotIdentifier(dbIdentifier: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[-T:]/g, "");
  const room = RDS_IDENTIFIER_MAX_LENGTH - stamp.length - 1;
  return `${dbIdentifier.slice(0, room).replace(/-+$/, "")}-${stamp}`;
}

/**
 * The identifier the plan chose. A default depends on the time, so the steps
 * take it from the plan stored with the operation rather than computing it again.
 */
function plannedIdentifier(
  operation: Pick<OperationRecord<CreateSnapshotParams>, "params" | "plan" | "createdAt">,
  dbIdentifier: string,
): string {
  if (operation.params.snapshotIdentifier) return normaliseRdsIdentifier(operation.params.snapshotIdentifier);
  const planned = operation.plan.changes.find((change) => change.field === "snapshotIdentifier")?.to;
  return typeof planned === "string" ? planned : defaultSnapshotIdentifier(dbIdentifier, operation.createdAt);
}

/** Take a manual snapshot of an RDS instance; it is kept until deleted, unlike automated backups. */
export const createSnapshot = defineOperation({
  kind: "create_snapshot",
  targetKinds: ["db_instance"],
  minRole: "operator",
  path: "snapshots",
  summary: "Take a manual snapshot of an RDS instance",
  description: "The identifier defaults to `<instance>-<yyyymmddhhmm>`.",
  body: CreateSnapshotBody,
  state: CreateSnapshotState,
  // The first snapshot of an instance copies all of its storage, which for a large database takes hours;
  // the act step may also wait for a backup or a modification under way to end first.
  defaultTimeoutMinutes: 180,
  firstStep: "act",

  async plan({ target, params, cloud, now }) {
    const given = params.snapshotIdentifier;
    const problems = given === undefined ? [] : rdsIdentifierProblems("/snapshotIdentifier", given);
    if (problems.length > 0) throw new ValidationError(problems);
    const instance = await describeDbInstance(cloud, target.cloudId);
    const snapshotIdentifier = normaliseRdsIdentifier(given ?? defaultSnapshotIdentifier(instance.identifier, now));
    if (instance.status !== "available") {
      throw new ConflictError(
        "db_not_available",
        `${instance.identifier} is ${instance.status}; RDS takes a snapshot only of an available instance`,
        { status: instance.status },
      );
    }
    const existing = await findSnapshot(cloud, snapshotIdentifier);
    if (existing) {
      throw new ConflictError(
        "snapshot_exists",
        `a snapshot ${snapshotIdentifier} already exists (of ${existing.dbInstanceIdentifier}); choose another snapshotIdentifier`,
        { snapshotIdentifier, dbInstanceIdentifier: existing.dbInstanceIdentifier },
      );
    }
    return {
      summary: `take a manual snapshot ${snapshotIdentifier} of ${instance.identifier}`,
      changes: [{ field: "snapshotIdentifier", from: null, to: snapshotIdentifier }],
      checks: [
        { name: "available", passed: true, detail: `${instance.identifier} is available` },
        { name: "identifier free", passed: true, detail: `no snapshot ${snapshotIdentifier} exists` },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const snapshotIdentifier = plannedIdentifier(operation, target.cloudId);
    const snapshot = await findSnapshot(cloud, snapshotIdentifier);
    switch (operation.step) {
      case "act": {
        // Check before acting: after a crash the snapshot may already be under way.
        if (snapshot) {
          const ours =
            snapshot.dbInstanceIdentifier === normaliseRdsIdentifier(target.cloudId) &&
            createdSince(snapshot.createdAt, operation.createdAt);
          if (!ours) {
            return {
              type: "failed",
              code: "snapshot_exists",
              message: `a snapshot ${snapshotIdentifier} of ${snapshot.dbInstanceIdentifier} existed before this operation`,
            };
          }
          return {
            type: "advance",
            step: "wait",
            message: `${snapshotIdentifier} is already ${snapshot.status}`,
            state: { snapshotIdentifier },
          };
        }
        const instance = await describeDbInstance(cloud, target.cloudId);
        if (instance.status !== "available") {
          // A backup or a change in progress: RDS would refuse now, and will accept once it ends.
          return {
            type: "wait",
            recheckAfterMs: RECHECK_MS,
            message: `${instance.identifier} is ${instance.status}; taking the snapshot once it is available`,
            data: { status: instance.status },
          };
        }
        await cloud.databases.createSnapshot(instance.identifier, snapshotIdentifier);
        return {
          type: "advance",
          step: "wait",
          message: `asked for snapshot ${snapshotIdentifier} of ${instance.identifier}`,
          state: { snapshotIdentifier },
        };
      }
      case "wait": {
        if (snapshot?.status === "available") {
          return { type: "advance", step: "verify", message: `${snapshotIdentifier} is available` };
        }
        if (snapshot && snapshot.status !== "creating") {
          return { type: "failed", code: "snapshot_failed", message: `${snapshotIdentifier} is ${snapshot.status}` };
        }
        return {
          type: "wait",
          recheckAfterMs: RECHECK_MS,
          message: snapshot
            ? `${snapshotIdentifier} is ${snapshot.percentProgress ?? 0}% done`
            : `${snapshotIdentifier} is not listed yet`,
          data: { percentProgress: snapshot?.percentProgress ?? null, status: snapshot?.status ?? null },
        };
      }
      case "verify": {
        if (snapshot?.status !== "available") {
          return {
            type: "failed",
            code: "not_verified",
            message: `${snapshotIdentifier} is ${snapshot?.status ?? "missing"}, not available`,
          };
        }
        return {
          type: "succeeded",
          message: `snapshot ${snapshotIdentifier} of ${snapshot.dbInstanceIdentifier} is available`,
          result: {
            snapshotIdentifier: snapshot.identifier,
            dbInstanceIdentifier: snapshot.dbInstanceIdentifier,
            createdAt: snapshot.createdAt?.toISOString() ?? null,
          },
        };
      }
      default:
        return { type: "failed", code: "unknown_step", message: `create_snapshot has no step ${operation.step}` };
    }
  },

  cancellableIn: (step) => step === "act",
});
