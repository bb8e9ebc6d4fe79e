import { DR_DRILL_POINTS_IN_TIME, DRILL_EVERY_DAYS, OBJECTIVE_MINUTES } from "@fastier/core";
import { Type } from "typebox";
import { Timestamp, Uuid } from "./common.ts";

const Seconds = Type.Union([Type.Integer(), Type.Null()]);
const Outcome = Type.Enum(["succeeded", "failed", "cancelled"]);

export const DrDrill = Type.Object(
  {
    id: Uuid,
    operationId: Uuid,
    environmentId: Uuid,
    sourceResourceId: Uuid,
    sourceIdentifier: Type.String(),
    scratchIdentifier: Type.String(),
    pointInTime: Type.Enum([...DR_DRILL_POINTS_IN_TIME]),
    outcome: Outcome,
    errorCode: Type.Union([Type.String(), Type.Null()]),
    message: Type.String(),
    requestedAt: Timestamp,
    restoredPointAt: Type.Union([Timestamp, Type.Null()]),
    availableAt: Type.Union([Timestamp, Type.Null()]),
    deletedAt: Type.Union([Timestamp, Type.Null()], {
      description: "When the scratch instance was seen gone; null if it was never created or its delete did not finish",
    }),
    measuredRtoSeconds: Type.Union([Type.Integer(), Type.Null()], { description: "Request to available" }),
    achievedRpoSeconds: Type.Union([Type.Integer(), Type.Null()], {
      description: "How far the restored point trails the request",
    }),
    checkPassed: Type.Union([Type.Boolean(), Type.Null()]),
    checkProblems: Type.Array(Type.String()),
    finishedAt: Timestamp,
  },
  { $id: "DrDrill" },
);

export const DrDrillSchedule = Type.Object(
  {
    enabled: Type.Boolean(),
    everyDays: Type.Integer({
      format: "int32",
      ...DRILL_EVERY_DAYS,
      description: "Each primary database gets a drill when it has had none for this many days",
    }),
    pointInTime: Type.Enum([...DR_DRILL_POINTS_IN_TIME]),
  },
  { additionalProperties: false },
);

const ObjectiveMinutes = Type.Union([Type.Integer({ format: "int32", ...OBJECTIVE_MINUTES }), Type.Null()]);
export const DrObjectives = Type.Object(
  {
    rtoMinutes: ObjectiveMinutes,
    rpoMinutes: ObjectiveMinutes,
  },
  { additionalProperties: false },
);

const DrillSummary = Type.Union([
  Type.Object({
    operationId: Uuid,
    outcome: Outcome,
    errorCode: Type.Union([Type.String(), Type.Null()]),
    requestedAt: Timestamp,
    measuredRtoSeconds: Seconds,
    achievedRpoSeconds: Seconds,
  }),
  Type.Null(),
]);
const Verdict = Type.Enum(["met", "not_met", "no_evidence", "no_objective"]);

/** A database's drill evidence in the DR readiness report. */
export const DrillEvidence = Type.Object({
  lastDrill: DrillSummary,
  lastSuccessfulDrill: DrillSummary,
  periodDays: Type.Integer(),
  objectives: Type.Object({
    rtoMinutes: Type.Union([Type.Integer(), Type.Null()]),
    rpoMinutes: Type.Union([Type.Integer(), Type.Null()]),
    rto: Verdict,
    rpo: Verdict,
  }),
});
