import type { AuditContext } from "../../audit/types.ts";
import { ConflictError, DomainError, NotFoundError } from "../../errors.ts";
import type { Operation } from "../../operations/operationRegistry.ts";
import type { OperationPlan } from "../../operations/operationTypes.ts";
import { type OperationDependencies, requestOperation } from "../../operations/requestOperation.ts";
import type { HealthReads } from "../reads/healthReads.ts";
import type { StoredRecommendation } from "../sweep/sweepTypes.ts";

export interface RecommendationActionDependencies extends OperationDependencies {
  health: HealthReads;
}

export type ApplyRecommendationResult =
  | { dryRun: true; plan: OperationPlan; recommendation: StoredRecommendation }
  | { dryRun: false; operation: Operation; created: boolean; recommendation: StoredRecommendation };

const isOpen = (recommendation: StoredRecommendation) =>
  recommendation.status === "open" && recommendation.closedAt === null;

/**
 * 409 naming where the recommendation stands (and, once applied, its operation).
 * `requestedOperationId`: an operation this apply recorded before it lost the race to mark it.
 */
function notOpen(
  recommendation: StoredRecommendation,
  action: "applied" | "dismissed",
  requestedOperationId?: string,
): ConflictError {
  const { id, status, closeReason, appliedOperationId } = recommendation;
  const stray = requestedOperationId && requestedOperationId !== appliedOperationId ? requestedOperationId : null;
  const state =
    status === "applied" && appliedOperationId
      ? `already applied by operation ${appliedOperationId}`
      : status === "open"
        ? `no longer current (${closeReason ?? "closed"})`
        : `${status}${closeReason ? ` (${closeReason})` : ""}`;
  return new ConflictError(
    "recommendation_not_open",
    `recommendation ${id} is ${state}; only an open recommendation can be ${action}` +
      (stray ? `. Operation ${stray} was requested meanwhile and goes ahead; cancel it if it is no longer wanted` : ""),
    {
      recommendationStatus: status,
      closeReason,
      ...(appliedOperationId && { appliedOperationId }),
      ...(stray && { requestedOperationId: stray }),
    },
  );
}

async function openRecommendation(health: HealthReads, id: string, action: "applied" | "dismissed") {
  const recommendation = await health.getRecommendation(id);
  if (!recommendation) throw new NotFoundError("recommendation", id);
  if (!isOpen(recommendation)) throw notOpen(recommendation, action);
  return recommendation;
}

/** After a refused conditional update: someone else decided first, or a sweep closed it. */
async function refusal(
  health: HealthReads,
  earlier: StoredRecommendation,
  action: "applied" | "dismissed",
  requestedOperationId?: string,
) {
  return notOpen((await health.getRecommendation(earlier.id)) ?? earlier, action, requestedOperationId);
}

/**
 * Carries out an open recommendation by requesting its operation. The
 * idempotency key defaults to one per recommendation, so an apply retried
 * after a crash (operation recorded, recommendation not yet marked) gets the
 * same operation back instead of a second one. A dry run answers the plan and
 * changes nothing. Refusals of the operation request pass through unchanged.
 */
export async function applyRecommendation(
  deps: RecommendationActionDependencies,
  id: string,
  request: { dryRun: boolean; idempotencyKey: string | null },
  audit: AuditContext,
): Promise<ApplyRecommendationResult> {
  const recommendation = await openRecommendation(deps.health, id, "applied");
  const { apply } = recommendation;
  if (!apply) {
    throw new DomainError(
      "unprocessable",
      "recommendation_not_applicable",
      `recommendation ${id} (${recommendation.kind}) has no operation to carry it out: it must be done by hand ` +
        (recommendation.manualSteps
          ? `following its manualSteps (GET /v1/recommendations/${id}: ${recommendation.manualSteps.steps.length} steps, ` +
            `${recommendation.manualSteps.files.map((f) => f.path).join(", ")}), then dismissed with a reason`
          : "(e.g. in the launch template or the AWS console), then dismissed with a reason"),
      {
        kind: recommendation.kind,
        ...(recommendation.manualSteps && { manualSteps: `/v1/recommendations/${id}#manualSteps` }),
      },
    );
  }
  const result = await requestOperation(
    deps,
    {
      kind: apply.operationKind,
      targetResourceId: recommendation.resourceId,
      params: { ...apply.params },
      dryRun: request.dryRun,
      idempotencyKey: request.idempotencyKey ?? `recommendation:${id}`,
    },
    audit,
  );
  if (result.dryRun) return { dryRun: true, plan: result.plan, recommendation };
  const applied = await deps.health.markApplied(id, { operationId: result.operation.id, at: deps.now() }, audit);
  if (!applied) throw await refusal(deps.health, recommendation, "applied", result.operation.id);
  return { dryRun: false, operation: result.operation, created: result.created, recommendation: applied };
}

/**
 * Records that people decided against an open recommendation. It stays current
 * (not closed), so sweeps do not propose it again while its finding is open.
 */
export async function dismissRecommendation(
  deps: { health: HealthReads; now: () => Date },
  id: string,
  reason: string,
  audit: AuditContext,
): Promise<StoredRecommendation> {
  const recommendation = await openRecommendation(deps.health, id, "dismissed");
  const dismissed = await deps.health.markDismissed(id, { reason, at: deps.now() }, audit);
  if (!dismissed) throw await refusal(deps.health, recommendation, "dismissed");
  return dismissed;
}
