import type { components } from "@fastier/client";

type OperationPlan = components["schemas"]["OperationPlan"];
type Operation = components["schemas"]["Operation"];

/**
 * The operation routes answer 200 with a plan for a dry run and 202 with the
 * operation otherwise; these pick the expected one, and fail loudly on the other.
 */
export function dryRunPlan(answer: { dryRun: true; plan: OperationPlan } | object): OperationPlan {
  if ("dryRun" in answer && "plan" in answer) return answer.plan;
  throw new Error("the API started an operation where only its plan was asked for");
}

export function startedOperationId(answer: Operation | { operation: Operation } | object): string {
  if ("operation" in answer) return answer.operation.id;
  if ("id" in answer && typeof answer.id === "string" && !("dryRun" in answer)) return answer.id;
  throw new Error("the API answered a plan where the operation was asked for");
}
