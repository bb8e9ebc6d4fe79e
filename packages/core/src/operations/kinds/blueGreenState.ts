import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import { GateBreach } from "../healthGate/gateJudgement.ts";
import { GateBalancer, GateReading } from "../healthGate/gateSignals.ts";
import type { ResolvedThresholds } from "../healthGate/healthGateSettings.ts";

/** The durable state of a blue/green deploy and what each of its steps is given (blueGreenSteps.ts, blueGreenGate.ts). */

const IsoTime = Type.String({ maxLength: 40 });

/** What the health gate keeps in a blue/green deploy's state. */
const BlueGreenGateState = {
  gateBaseline: Type.Optional(GateReading),
  greenBalancer: Type.Optional(GateBalancer),
  /** When green was first seen Ready: it is judged from then on. */
  greenReadyAt: Type.Optional(IsoTime),
  unhealthySince: Type.Optional(Type.Union([IsoTime, Type.Null()])),
  breach: Type.Optional(GateBreach),
};

/** A clone launches in minutes; half a minute between looks shows its progress. */
export const BLUE_GREEN_RECHECK_MS = 30_000;
/** Beanstalk's CNAMEs answer with a 60-second TTL: a drain shorter than a few of those strands clients. */
export const MIN_DRAIN_MINUTES = 5;
export const DEFAULT_DRAIN_MINUTES = 15;

const Id = Type.String({ maxLength: 100 });
export const BlueGreenState = Type.Object({
  blueEnvironmentId: Type.Optional(Id),
  applicationName: Type.Optional(Id),
  /** The live host name, the blue environment's before the swap: whoever holds it serves the users. */
  liveCname: Type.Optional(Type.String({ maxLength: 255 })),
  templateName: Type.Optional(Id),
  greenEnvironmentId: Type.Optional(Id),
  swappedAt: Type.Optional(Type.String({ maxLength: 40 })),
  /** Why the green environment is being terminated, once it is: the operation ends that way. */
  discard: Type.Optional(
    Type.Object({
      ending: Type.Union([Type.Literal("failed"), Type.Literal("cancelled")]),
      code: Type.String({ maxLength: 60 }),
      message: Type.String({ maxLength: 1000 }),
    }),
  ),
  ...BlueGreenGateState,
});
export type BlueGreenState = Static<typeof BlueGreenState>;

export interface BlueGreenStepContext {
  operationId: string;
  blueName: string;
  greenName: string;
  versionLabel: string;
  drainMinutes: number;
  keepOldEnvironment: boolean;
  cancelRequested: boolean;
  /** The health gate's thresholds; null when the request turned the gate off. */
  thresholds: ResolvedThresholds | null;
  state: BlueGreenState;
  cloud: CloudPort;
  now: Date;
}
