import {
  CloudError,
  type CloudPort,
  DomainError,
  deadlineOf,
  dueNoLaterThanDeadline,
  type InventoryStore,
  isCleaningUpAfterEnding,
  isPastDeadline,
  lostLeaseLimitOf,
  type Operation,
  type OperationStore,
  operationDefinition,
  type RegisteredOperation,
  type Resource,
  type StepOutcome,
  throughCleanup,
  timedOut,
  workerLostTooOften,
} from "@fastier/core";
import type { Logger } from "pino";
import { backoffMs } from "./retryBackoff.ts";

export interface ReconcilerDependencies {
  operations: OperationStore;
  inventory: InventoryStore;
  cloud: CloudPort;
  now: () => Date;
  log: Logger;
  /** Unique per worker process: the lease holder's name. */
  workerId: string;
  /** How long a claim lasts; a worker that dies holding one frees it when this runs out. */
  leaseMs?: number;
  /** Retryable cloud errors in a row before the operation fails. */
  maxAttempts?: number;
  batchSize?: number;
  random?: () => number;
}

export interface Reconciler {
  /**
   * Claims due operations and advances each by one step; returns how many it
   * advanced. Once `stop` is aborted it finishes the step in flight and gives
   * the rest of its claims back.
   */
  tick(stop?: AbortSignal): Promise<number>;
  /** Ticks until nothing is due, the deadline passes (a scheduled serverless run) or `stop` is aborted. */
  runUntil(deadline: number, stop?: AbortSignal): Promise<number>;
}

/**
 * Advances operations one step at a time and never waits on the cloud: a step
 * that must wait returns, and the operation is due again later. Every step
 * is persisted before the next, under a lease, so a crash repeats at most the
 * step in flight, and the steps check the cloud before acting.
 */
export function createReconciler(deps: ReconcilerDependencies): Reconciler {
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 6;
  const random = deps.random ?? Math.random;
  const log = deps.log.child({ component: "reconciler", workerId: deps.workerId });

  async function outcomeOf(
    definition: RegisteredOperation,
    operation: Operation,
    target: Resource,
    now: Date,
  ): Promise<StepOutcome> {
    if (operation.cancelRequested && definition.cancellableIn(operation.step)) {
      return { type: "cancelled", message: `cancelled in step ${operation.step}, before any change` };
    }
    const outcome = await definition.step({ operation, target, cloud: deps.cloud, now });
    // A cleanup after a cancel is the cancel taking effect, not a cancel come too late.
    return operation.cancelRequested &&
      !definition.undoesOnCancelIn?.(operation.step) &&
      !operation.state.cancelRefused &&
      !isCleaningUpAfterEnding(definition, operation)
      ? noteCancelTooLate(outcome, operation.step)
      : outcome;
  }

  /** The outcome of this tick, or null when a retry was recorded instead. */
  async function decide(operation: Operation, now: Date): Promise<StepOutcome | null> {
    const definition = operationDefinition(operation.kind);
    if (!definition) return { type: "failed", code: "unknown_kind", message: `no definition for ${operation.kind}` };
    const target = await deps.inventory.getResource(operation.targetResourceId);
    const context = { definition, operation, targetName: target?.name ?? operation.targetResourceId };
    if (operation.lostLeases >= lostLeaseLimitOf(definition, operation)) return workerLostTooOften(context);
    if (!target) {
      return {
        type: "failed",
        code: "target_gone",
        message: withLeftBehind(definition, operation, "the target resource was removed from the inventory"),
      };
    }
    const deadline = deadlineOf(definition, operation);
    const late = isPastDeadline(deadline, now);
    // Past the deadline a step that has changed nothing must not start now.
    if (late && definition.cancellableIn(operation.step)) {
      return timedOut(context, { message: `step ${operation.step} to start` });
    }
    let outcome: StepOutcome;
    try {
      outcome = await outcomeOf(definition, operation, target, now);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (late) return timedOut(context, { message: `a look at the cloud, which failed: ${message}` });
      const retryable = !(error instanceof DomainError) && (!(error instanceof CloudError) || error.retryable);
      const attempts = operation.attempts + 1;
      if (retryable && attempts < maxAttempts) {
        const delay = backoffMs(attempts, random);
        log.warn({ operationId: operation.id, attempts, delay, err: error }, "step failed; will retry");
        await deps.operations.recordRetry(operation.id, deps.workerId, {
          message: `attempt ${attempts} of ${maxAttempts} failed: ${message}; retrying in ${Math.round(delay / 1000)} s`,
          attempts,
          nextAttemptAt: dueNoLaterThanDeadline(deadline, new Date(now.getTime() + delay)),
          now,
          ...(error instanceof CloudError && {
            data: { providerCode: error.providerCode, cloudRequestId: error.requestId },
          }),
        });
        return null;
      }
      return {
        type: "failed",
        code:
          error instanceof CloudError
            ? `cloud_${error.kind}`
            : error instanceof DomainError
              ? error.code
              : "step_error",
        message: withLeftBehind(
          definition,
          operation,
          retryable ? `gave up after ${attempts} attempts: ${message}` : message,
        ),
        ...(error instanceof CloudError && {
          errorDetails: {
            ...(error.requestId && { cloudRequestId: error.requestId }),
            ...(error.providerCode && { providerCode: error.providerCode }),
          },
        }),
      };
    }
    // Still waiting at the deadline: the wait's own words say what for and what the cloud showed.
    if (late && outcome.type === "wait") return timedOut(context, outcome);
    return outcome;
  }

  async function advance(operation: Operation): Promise<void> {
    const now = deps.now();
    const decided = await decide(operation, now);
    if (!decided) return;
    const definition = operationDefinition(operation.kind);
    // Every ending of a kind with a cleanup step passes through it first.
    const outcome = definition
      ? withKindEvidence(definition, operation, throughCleanup(definition, operation, decided))
      : decided;
    const nextAttemptAt =
      outcome.type === "wait"
        ? dueNoLaterThanDeadline(
            definition ? deadlineOf(definition, operation) : operation,
            new Date(now.getTime() + outcome.recheckAfterMs),
          )
        : now;
    const saved = await deps.operations.recordStep(operation.id, deps.workerId, { outcome, nextAttemptAt, now });
    if (!saved) log.warn({ operationId: operation.id }, "lease lost before the step was saved; another worker has it");
    else if (outcome.type !== "wait" && outcome.type !== "advance") {
      log.info({ operationId: operation.id, kind: operation.kind, status: saved.status }, outcome.message);
    }
  }

  async function tick(stop?: AbortSignal): Promise<number> {
    if (stop?.aborted) return 0;
    const now = deps.now();
    const expired = await deps.operations.expireApprovals(now);
    if (expired > 0) log.info({ expired }, "approvals expired");
    const claimed = await deps.operations.claimDue(
      deps.workerId,
      now,
      new Date(now.getTime() + leaseMs),
      deps.batchSize ?? 10,
    );
    let advanced = 0;
    for (const operation of claimed) {
      if (stop?.aborted) break;
      await advance(operation);
      advanced += 1;
    }
    if (advanced < claimed.length) {
      await deps.operations.releaseClaims(
        claimed.slice(advanced).map((operation) => operation.id),
        deps.workerId,
      );
    }
    return advanced;
  }

  return {
    tick,
    async runUntil(deadline, stop) {
      let total = 0;
      while (Date.now() < deadline && !stop?.aborted) {
        const advanced = await tick(stop);
        total += advanced;
        if (advanced === 0) break;
      }
      return total;
    },
  };
}

/** An ending the reconciler made itself (a deadline, lost workers, a refusal) keeps the evidence the kind had gathered. */
function withKindEvidence(definition: RegisteredOperation, operation: Operation, outcome: StepOutcome): StepOutcome {
  if (outcome.type === "advance" || outcome.type === "wait" || outcome.evidence) return outcome;
  const evidence = definition.evidence(operation);
  return evidence ? { ...outcome, evidence } : outcome;
}

/** The failure message, with what the failure leaves behind (a billed instance) when the kind says. */
function withLeftBehind(definition: RegisteredOperation, operation: Operation, message: string): string {
  const left = definition.leftBehind(operation);
  return left ? `${message}; ${left}` : message;
}

/**
 * A cancel that arrives once the operation has started changing things cannot
 * take effect; the history says so once, and the operation runs to its end.
 */
function noteCancelTooLate(outcome: StepOutcome, step: string): StepOutcome {
  const note = `cancel came too late: step ${step} cannot be undone, so the operation runs to its end`;
  if (outcome.type === "advance" || outcome.type === "wait") {
    return { ...outcome, message: `${note}; ${outcome.message}`, state: { ...outcome.state, cancelRefused: true } };
  }
  return { ...outcome, message: `${note}; ${outcome.message}` };
}
