import {
  DB_PARAMETER_GROUP_NAME,
  DB_SUBNET_GROUP_NAME,
  MAX_SECURITY_GROUPS,
  type OperationKind,
  RDS_STORAGE_TYPES,
  SECURITY_GROUP_ID,
} from "@fastier/core";
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
      "`useLatestRestorableTime: true`; `targetIdentifier` must not exist yet. Multi-AZ, instance class, " +
      "subnet group, security groups, parameter group and storage type default to the source's (the plan " +
      "shows each and where it came from). A new instance that differs from the request is modified to " +
      "match (Multi-AZ, class, security groups, parameter group) or the difference is a warning in the " +
      "result and the events (subnet group, storage type).",
    body: Type.Object(
      {
        targetIdentifier: DbIdentifier,
        restoreTime: Type.Optional(Type.String({ format: "date-time", maxLength: 40 })),
        useLatestRestorableTime: Type.Optional(Type.Boolean()),
        instanceClass: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 64,
            pattern: "^db\\.[a-z0-9]+\\.[a-z0-9]+$",
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
