import type { OperationKind } from "@fastier/core";
import { type TObject, Type } from "typebox";

const DryRun = Type.Optional(Type.Boolean({ description: "Only plan: answer the plan and change nothing" }));
const Reason = Type.Optional(Type.String({ maxLength: 200 }));
const Count = Type.Integer({ format: "int32", minimum: 0, maximum: 10_000 });
const DbIdentifier = Type.String({ minLength: 1, maxLength: 63 });

export interface OperationRoute {
  kind: OperationKind;
  /** Under /v1/resources/{id}/. */
  path: string;
  summary: string;
  description: string;
  body: TObject;
}

/** The operation endpoints, one per kind: each answers 202 with the operation it recorded. */
export const OPERATION_ROUTES: OperationRoute[] = [
  {
    kind: "scale",
    path: "scale",
    summary: "Set desired capacity and/or min / max of an Auto Scaling group",
    description: "Refused with the group's limits when the result would be outside them.",
    body: Type.Object(
      {
        desiredCapacity: Type.Optional(Count),
        minSize: Type.Optional(Count),
        maxSize: Type.Optional(Count),
        dryRun: DryRun,
      },
      { additionalProperties: false },
    ),
  },
  {
    kind: "start_deployment",
    path: "deployments",
    summary: "Start a pipeline execution and follow it stage by stage",
    description: "The operation ends when the execution does.",
    body: Type.Object(
      { sourceRevision: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), reason: Reason, dryRun: DryRun },
      { additionalProperties: false },
    ),
  },
  {
    kind: "stop_deployment",
    path: "deployments/stop",
    summary: "Stop a running pipeline execution",
    description: "`abandon: true` stops at once; otherwise in-progress actions finish first.",
    body: Type.Object(
      {
        executionId: Type.String({ minLength: 1, maxLength: 200 }),
        abandon: Type.Optional(Type.Boolean()),
        reason: Reason,
        dryRun: DryRun,
      },
      { additionalProperties: false },
    ),
  },
  {
    kind: "rollback_stage",
    path: "rollback",
    summary: "Roll a pipeline stage back to an earlier successful execution",
    description: "Re-runs the stage with that execution's artifacts.",
    body: Type.Object(
      {
        stageName: Type.String({ minLength: 1, maxLength: 100 }),
        targetExecutionId: Type.String({ minLength: 1, maxLength: 200 }),
        dryRun: DryRun,
      },
      { additionalProperties: false },
    ),
  },
  {
    kind: "promote_replica",
    path: "promote",
    summary: "Promote an RDS read replica to a standalone instance (cannot be undone)",
    description:
      "Admin only. `confirm` must equal the replica's identifier. Refused for a non-replica, and when the " +
      "replica lags more than `maxLagSeconds` (default 60) unless `force: true`; the plan reports the lag.",
    body: Type.Object(
      {
        confirm: Type.String({ minLength: 1, maxLength: 63, description: "The replica's identifier, typed again" }),
        force: Type.Optional(Type.Boolean()),
        maxLagSeconds: Type.Optional(Type.Integer({ format: "int32", minimum: 0, maximum: 86_400 })),
        dryRun: DryRun,
      },
      { additionalProperties: false },
    ),
  },
  {
    kind: "restore_point_in_time",
    path: "restore",
    summary: "Restore an RDS instance to a point in time, as a new instance",
    description:
      "Admin only. Give `restoreTime` (within the source's earliest and latest restorable time) or " +
      "`useLatestRestorableTime: true`; `targetIdentifier` must not exist yet.",
    body: Type.Object(
      {
        targetIdentifier: DbIdentifier,
        restoreTime: Type.Optional(Type.String({ format: "date-time", maxLength: 40 })),
        useLatestRestorableTime: Type.Optional(Type.Boolean()),
        instanceClass: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        multiAz: Type.Optional(Type.Boolean()),
        dryRun: DryRun,
      },
      { additionalProperties: false },
    ),
  },
  {
    kind: "create_snapshot",
    path: "snapshots",
    summary: "Take a manual snapshot of an RDS instance",
    description: "The identifier defaults to `<instance>-<yyyymmddhhmm>`.",
    body: Type.Object(
      { snapshotIdentifier: Type.Optional(DbIdentifier), dryRun: DryRun },
      { additionalProperties: false },
    ),
  },
];
