import { Type } from "typebox";
import { Timestamp, Uuid } from "./common.ts";
import { DrillEvidence, DrObjectives } from "./drDrill.ts";

const Gap = Type.Object({
  code: Type.String(),
  severity: Type.Enum(["critical", "warning", "info"]),
  message: Type.String(),
});
const BackupReplication = Type.Object(
  {
    destinationRegion: Type.String(),
    status: Type.String({ description: "pending, replicating, or retained once stopped" }),
    earliestRestorableTime: Type.Union([Timestamp, Type.Null()]),
    latestRestorableTime: Type.Union([Timestamp, Type.Null()]),
    estimatedRpoSeconds: Type.Union([Type.Number(), Type.Null()], {
      description: "Data a restore in that region would lose now: seconds since its latest restorable time",
    }),
  },
  { description: "Automated backups replicated to another region, with their own restore window" },
);
const Status = Type.Enum(["ready", "at_risk", "not_ready"]);

export const DrReadinessReport = Type.Object(
  {
    environmentName: Type.String(),
    assessedAt: Timestamp,
    status: Status,
    databases: Type.Array(
      Type.Object({
        identifier: Type.String(),
        resourceId: Uuid,
        role: Type.Enum(["primary", "standalone"]),
        multiAz: Type.Union([Type.Boolean(), Type.Null()]),
        backupRetentionDays: Type.Union([Type.Integer(), Type.Null()]),
        replicas: Type.Array(
          Type.Object({
            identifier: Type.String(),
            resourceId: Uuid,
            lagSeconds: Type.Union([Type.Number(), Type.Null()]),
          }),
        ),
        backupReplications: Type.Array(BackupReplication),
        latestRestorableTime: Type.Union([Timestamp, Type.Null()]),
        estimatedRpoSeconds: Type.Union([Type.Number(), Type.Null()], {
          description: "Data a restore would lose now: seconds since the latest restorable time",
        }),
        estimatedRto: Type.Object({
          promoteReplicaSeconds: Type.Union([Type.Number(), Type.Null()]),
          restorePointInTime: Type.Union([
            Type.Object({ minSeconds: Type.Number(), maxSeconds: Type.Number() }),
            Type.Null(),
          ]),
        }),
        gaps: Type.Array(Gap),
        status: Status,
        evidence: DrillEvidence,
      }),
    ),
    gaps: Type.Array(Gap),
    objectives: DrObjectives,
  },
  { $id: "DrReadinessReport" },
);

export const DbSnapshot = Type.Object(
  {
    identifier: Type.String(),
    dbInstanceIdentifier: Type.String(),
    status: Type.String(),
    type: Type.String({ description: "manual or automated" }),
    createdAt: Type.Union([Timestamp, Type.Null()]),
    percentProgress: Type.Union([Type.Number(), Type.Null()]),
  },
  { $id: "DbSnapshot" },
);
