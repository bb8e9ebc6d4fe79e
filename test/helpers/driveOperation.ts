import type { ManualClock } from "@fastier/cloud";
import type { CloudPort, Operation, OperationPlan, RegisteredOperation, Resource, StepOutcome } from "@fastier/core";

export interface DriveResult {
  plan: OperationPlan;
  final: StepOutcome;
  /** Every outcome in order, for asserting the steps taken. */
  outcomes: StepOutcome[];
  operation: Operation;
}

/**
 * Runs an operation's state machine in memory against a cloud, the way the
 * reconciler would (minus persistence): plan, then step until it ends,
 * advancing the manual clock by each `wait`.
 */
export async function driveOperation<P>(
  definition: RegisteredOperation,
  target: Resource,
  params: P,
  cloud: CloudPort,
  clock: ManualClock,
  options: { maxSteps?: number; beforeStep?: (operation: Operation) => void } = {},
): Promise<DriveResult> {
  const plan = await definition.plan({ target, params, cloud, now: clock.now() });
  const operation: Operation = storedOperation(definition, target, params, clock.now(), plan);
  const outcomes: StepOutcome[] = [];
  for (let i = 0; i < (options.maxSteps ?? 500); i += 1) {
    options.beforeStep?.(operation);
    const outcome = await definition.step({ operation, target, cloud, now: clock.now() });
    outcomes.push(outcome);
    if (outcome.type === "advance") {
      operation.step = outcome.step;
      operation.state = { ...operation.state, ...outcome.state };
    } else if (outcome.type === "wait") {
      operation.state = { ...operation.state, ...outcome.state };
      clock.advance(outcome.recheckAfterMs);
    } else {
      return { plan, final: outcome, outcomes, operation };
    }
  }
  throw new Error(`${definition.kind} did not finish within ${options.maxSteps ?? 500} steps`);
}

/**
 * An operation as the store would hold it before its first step: what the
 * reconciler hands to `step`. Tests also use it to run steps without planning
 * again (a plan may refuse what a crashed first attempt already started).
 */
export function storedOperation<P>(
  definition: RegisteredOperation,
  target: Resource,
  params: P,
  createdAt: Date,
  plan: OperationPlan = { summary: "", changes: [], checks: [] },
): Operation & { params: P } {
  return {
    id: "00000000-0000-4000-8000-0000000000aa",
    kind: definition.kind as Operation["kind"],
    environmentId: target.environmentId,
    targetResourceId: target.id,
    params: params as Record<string, unknown> & P,
    plan,
    status: "running",
    step: definition.firstStep,
    state: {},
    requestedByKeyId: null,
    requestedByName: "test",
    idempotencyKey: null,
    attempts: 0,
    cancelRequested: false,
    result: null,
    error: null,
    nextAttemptAt: createdAt,
    // Far off: these drives are about the steps, not the deadline (the reconciler's tests cover that).
    deadlineAt: new Date(createdAt.getTime() + 24 * 3_600_000),
    lostLeases: 0,
    approvalExpiresAt: null,
    decision: null,
    createdAt,
    startedAt: createdAt,
    finishedAt: null,
    updatedAt: createdAt,
  };
}
