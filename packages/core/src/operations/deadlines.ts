import type { OperationRecord, RegisteredOperation, StepOutcome } from "./operationTypes.ts";

/**
 * Claims whose worker died before saving its step. A step that crashes every
 * worker that runs it (a poisoned input, a runaway allocation) would otherwise
 * be claimed again each time its lease runs out, for ever.
 */
export const MAX_LOST_LEASES = 5;

export function isPastDeadline(operation: Pick<OperationRecord, "deadlineAt">, now: Date): boolean {
  return now.getTime() >= operation.deadlineAt.getTime();
}

/** When the next try is due: never after the deadline, so the last look at the cloud happens on time. */
export function dueNoLaterThanDeadline(operation: Pick<OperationRecord, "deadlineAt">, due: Date): Date {
  return due.getTime() > operation.deadlineAt.getTime() ? operation.deadlineAt : due;
}

interface TimeoutContext {
  definition: RegisteredOperation;
  operation: OperationRecord<unknown, unknown>;
  targetName: string;
}

/** What the cloud may still be doing, said plainly, so nobody acts again on a guess. */
function whatTheCloudMayDo({ definition, operation, targetName }: TimeoutContext): string {
  const cleanup = definition.cleanup;
  if (cleanup && cleanup.step !== operation.step) return `step ${cleanup.step} undoes what this operation started`;
  if (definition.cancellableIn(operation.step)) return "nothing had been changed in the cloud";
  return `the cloud may still complete what this operation started; check ${targetName} before acting again`;
}

function minutesLate(operation: OperationRecord<unknown, unknown>): string {
  const minutes = Math.round((operation.deadlineAt.getTime() - operation.createdAt.getTime()) / 60_000);
  return `the deadline of ${minutes} min (${operation.deadlineAt.toISOString()}) passed in step ${operation.step}`;
}

/**
 * Ends an operation at its deadline. `waitedFor` is what the step was still
 * waiting for at its last look at the cloud (its own words and data), or why
 * it could not look.
 */
export function timedOut(
  context: TimeoutContext,
  waitedFor: { message: string; data?: Record<string, unknown> },
): Extract<StepOutcome, { type: "failed" }> {
  const leftBehind = context.definition.leftBehind(context.operation);
  const message = [
    `${minutesLate(context.operation)} while waiting: ${waitedFor.message}`,
    whatTheCloudMayDo(context),
    ...(leftBehind ? [leftBehind] : []),
  ].join("; ");
  return {
    type: "failed",
    code: "timed_out",
    message,
    result: { timedOutInStep: context.operation.step, lastSeen: waitedFor.data ?? null },
  };
}

/** Ends an operation whose step keeps killing the workers that run it. */
export function workerLostTooOften(context: TimeoutContext): Extract<StepOutcome, { type: "failed" }> {
  const leftBehind = context.definition.leftBehind(context.operation);
  return {
    type: "failed",
    code: "worker_lost",
    message: [
      `${context.operation.lostLeases} workers stopped while running step ${context.operation.step} without saving it; it is not tried again`,
      whatTheCloudMayDo(context),
      ...(leftBehind ? [leftBehind] : []),
    ].join("; "),
  };
}
