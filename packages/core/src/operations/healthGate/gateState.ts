import { type Static, Type } from "typebox";
import { FollowedExecutionState } from "../kinds/followedExecution.ts";
import { ExecutionId } from "../kinds/requestFields.ts";
import { GateBreach } from "./gateJudgement.ts";
import { GateBalancer, GateReading } from "./gateSignals.ts";

const IsoTime = Type.String({ maxLength: 40 });

/** A deployment's state: the execution it follows, and its health gate's baseline, breach and rollback. */
export const GatedDeploymentState = Type.Object({
  ...FollowedExecutionState.properties,
  /** The stage that puts the release on the site (the last one): watched while it runs. */
  deployStage: Type.Optional(Type.String({ maxLength: 100 })),
  gateBalancer: Type.Optional(GateBalancer),
  gateBaseline: Type.Optional(GateReading),
  /** Since when more targets than at the baseline are unhealthy, for the grace period. */
  unhealthySince: Type.Optional(Type.Union([IsoTime, Type.Null()])),
  /** The bake ends then; set once the deploy stage succeeded. */
  bakeEndsAt: Type.Optional(IsoTime),
  breach: Type.Optional(GateBreach),
  rollbackTargetExecutionId: Type.Optional(ExecutionId),
  rollbackTargetRevision: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  rollbackExecutionId: Type.Optional(ExecutionId),
  rollbackStageStatuses: FollowedExecutionState.properties.stageStatuses,
  /** Without an earlier release of the pipeline: the Beanstalk environment's previous application version instead. */
  rollbackVersion: Type.Optional(
    Type.Object({
      environmentName: Type.String({ maxLength: 100 }),
      fromVersion: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
      toVersion: Type.String({ maxLength: 100 }),
    }),
  ),
});
export type GatedDeploymentStateValue = Static<typeof GatedDeploymentState>;
