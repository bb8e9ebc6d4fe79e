import { Type } from "typebox";
import { Value } from "typebox/value";
import { MAX_LOST_LEASES } from "./deadlines.ts";
import type { OperationRecord, RegisteredOperation, StepOutcome } from "./operationTypes.ts";

/**
 * A kind's cleanup step (`cleanup` in its definition) runs however the operation ends. The
 * reconciler hands every ending to `throughCleanup`: an ending outside the step is saved in the
 * operation's state under `ending` and the operation moves into the step instead; once the step
 * succeeds, the saved ending is what the operation ends with, the cleanup's words appended. A kind
 * whose own path ends in the step (a drill deletes its scratch instance when it succeeds too)
 * simply succeeds from it.
 */
type Ending = Extract<StepOutcome, { type: "failed" | "cancelled" }>;

const SavedEnding = Type.Union([
  Type.Object({ type: Type.Literal("failed"), code: Type.String(), message: Type.String() }),
  Type.Object({ type: Type.Literal("cancelled"), message: Type.String() }),
]);

function savedEnding(state: unknown): Ending | null {
  const ending = (state as { ending?: unknown } | null)?.ending;
  return Value.Check(SavedEnding, ending) ? (ending as Ending) : null;
}

type Definition = Pick<RegisteredOperation, "cleanup">;
type Stored = Pick<OperationRecord<unknown, unknown>, "step" | "state" | "deadlineAt">;

export const isInCleanup = (definition: Definition, operation: Pick<Stored, "step">) =>
  definition.cleanup !== undefined && definition.cleanup.step === operation.step;

/** Whether the step is cleaning up after an ending that is already decided (not the kind's own way out). */
export const isCleaningUpAfterEnding = (definition: Definition, operation: Stored) =>
  isInCleanup(definition, operation) && savedEnding(operation.state) !== null;

/** By when the operation must have ended: its deadline, and in the cleanup step the step's grace on top. */
export function deadlineOf(definition: Definition, operation: Stored): Pick<OperationRecord, "deadlineAt"> {
  if (!definition.cleanup || !isInCleanup(definition, operation)) return { deadlineAt: operation.deadlineAt };
  return { deadlineAt: new Date(operation.deadlineAt.getTime() + definition.cleanup.graceMinutes * 60_000) };
}

/** Lost workers tolerated before the operation fails: the cleanup step gets as many again, so it still runs. */
export const lostLeaseLimitOf = (definition: Definition, operation: Pick<Stored, "step">) =>
  isInCleanup(definition, operation) ? 2 * MAX_LOST_LEASES : MAX_LOST_LEASES;

/** The outcome to record: an ending diverted into the cleanup step, or the saved ending once the cleanup is done. */
export function throughCleanup(definition: Definition, operation: Stored, outcome: StepOutcome): StepOutcome {
  const cleanup = definition.cleanup;
  if (!cleanup) return outcome;
  if (!isInCleanup(definition, operation)) {
    if (outcome.type !== "failed" && outcome.type !== "cancelled") return outcome;
    return {
      type: "advance",
      step: cleanup.step,
      message: `${outcome.message}; step ${cleanup.step} runs before the operation ends`,
      state: { ending: outcome },
    };
  }
  const ending = savedEnding(operation.state);
  if (!ending || outcome.type === "advance" || outcome.type === "wait") return outcome;
  if (outcome.type === "failed") {
    // The cleanup failed too: the operation fails, whatever it was ending with, so someone looks.
    return {
      type: "failed",
      code: ending.type === "failed" ? ending.code : "cleanup_failed",
      message: `${ending.message}; then ${cleanup.step} failed: ${outcome.message}`,
      result: { ...(ending.type === "failed" && ending.result), cleanup: outcome.result ?? null },
      ...(ending.type === "failed" && ending.errorDetails && { errorDetails: ending.errorDetails }),
      ...evidenceOf(outcome, ending),
    };
  }
  const message = `${ending.message}; ${outcome.message}`;
  const cleanupResult = outcome.type === "succeeded" ? outcome.result : null;
  return ending.type === "cancelled"
    ? { type: "cancelled", message, ...evidenceOf(outcome, ending) }
    : {
        ...ending,
        message,
        result: { ...ending.result, cleanup: cleanupResult },
        ...evidenceOf(outcome, ending),
      };
}

/** The cleanup's evidence (it knows how things ended in the cloud), else the ending's. */
function evidenceOf(outcome: StepOutcome, ending: Ending) {
  const evidence = ("evidence" in outcome && outcome.evidence) || ending.evidence;
  return evidence ? { evidence } : {};
}
