import type { StepOutcome } from "../operationTypes.ts";
import type { GateBreachValue } from "./gateJudgement.ts";

/**
 * A rollback that could not be done or did not succeed leaves the bad release serving: said as
 * loudly as an outcome allows, with a critical finding on the target, for a pipeline's stage
 * rollback and a blue/green swap back alike.
 */
export function criticalRollbackFailure<S>(
  breach: GateBreachValue | null,
  why: string,
  result: Record<string, unknown> = {},
): StepOutcome<S> {
  const message = `CRITICAL: the health gate found ${breach?.message ?? "a breach"}, but the automatic rollback failed: ${why}. The faulty release may still be serving: roll back by hand now (POST /v1/resources/{id}/rollback).`;
  return {
    type: "failed",
    code: "rollback_failed",
    message,
    result: { ...result, breach, severity: "critical" },
    finding: { ruleId: "deploy_rollback_failed", severity: "critical", summary: message.slice(0, 2000) },
  };
}
