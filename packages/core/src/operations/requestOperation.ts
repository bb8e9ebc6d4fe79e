import { createHash } from "node:crypto";
import type { AuditContext } from "../audit/types.ts";
import type { CloudPort } from "../cloud/cloudPort.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import type { InventoryStore } from "../inventory/inventoryStore.ts";
import { canonical } from "../sync/planSync.ts";
import type { ApprovalPolicyStore } from "./approvals.ts";
import { type Operation, type OperationKind, operationDefinition } from "./operationRegistry.ts";
import type { OperationStore } from "./operationStore.ts";
import type { OperationPlan, PlanDeadline } from "./operationTypes.ts";

export interface OperationRequest {
  kind: OperationKind;
  targetResourceId: string;
  params: Record<string, unknown>;
  dryRun: boolean;
  idempotencyKey: string | null;
  /** Overrides the kind's default deadline (1–1440). */
  timeoutMinutes?: number;
}

/** The bounds of `timeoutMinutes`: from a minute to a day. */
export const TIMEOUT_MINUTES = { minimum: 1, maximum: 1440 } as const;

export interface OperationDependencies {
  inventory: InventoryStore;
  operations: OperationStore;
  approvals: ApprovalPolicyStore;
  cloud: CloudPort;
  now: () => Date;
}

export type OperationRequestResult =
  | { dryRun: true; plan: OperationPlan }
  | { dryRun: false; operation: Operation; created: boolean };

/**
 * Checks and plans an operation and records it as pending; the reconciler
 * runs it. A refusal (wrong target, limits, confirmation, ...) writes nothing
 * and calls nothing in the cloud that changes state. A request repeated with
 * the same Idempotency-Key returns the first operation.
 */
export async function requestOperation(
  deps: OperationDependencies,
  request: OperationRequest,
  audit: AuditContext,
): Promise<OperationRequestResult> {
  const definition = operationDefinition(request.kind);
  if (!definition) throw new NotFoundError("operation_kind", request.kind);
  const timeout = request.timeoutMinutes;
  if (
    timeout !== undefined &&
    !(Number.isInteger(timeout) && timeout >= TIMEOUT_MINUTES.minimum && timeout <= TIMEOUT_MINUTES.maximum)
  ) {
    throw new ValidationError([
      {
        field: "/timeoutMinutes",
        rule: "range",
        message: `must be a whole number of minutes from ${TIMEOUT_MINUTES.minimum} to ${TIMEOUT_MINUTES.maximum}`,
      },
    ]);
  }
  const requestHash = createHash("sha256")
    .update(
      // The timeout only when given, so that keys recorded before deadlines existed still match.
      canonical({
        kind: request.kind,
        target: request.targetResourceId,
        params: request.params,
        ...(timeout !== undefined && { timeoutMinutes: timeout }),
      }),
    )
    .digest("hex");
  if (request.idempotencyKey && !request.dryRun) {
    const earlier = await deps.operations.findIdempotent(audit.actor.keyId, request.idempotencyKey, requestHash);
    if (earlier) return { dryRun: false, operation: earlier, created: false };
  }

  const target = await deps.inventory.getResource(request.targetResourceId);
  if (!target) throw new NotFoundError("resource", request.targetResourceId);
  if (!definition.targetKinds.includes(target.kind)) {
    throw new ValidationError(
      [
        {
          field: "/id",
          rule: "target_kind",
          message: `${request.kind} applies to ${definition.targetKinds.join(" or ")}, not to a ${target.kind}`,
          in: "params",
        },
      ],
      "wrong_target_kind",
    );
  }
  if (target.status === "gone") {
    throw new ConflictError(
      "target_gone",
      `${target.name} is no longer in the cloud (gone since ${target.goneAt?.toISOString()})`,
    );
  }

  const now = deps.now();
  const deadline: PlanDeadline = {
    timeoutMinutes: timeout ?? definition.defaultTimeoutMinutes,
    from: timeout === undefined ? "kind_default" : "request",
    at: new Date(now.getTime() + (timeout ?? definition.defaultTimeoutMinutes) * 60_000).toISOString(),
  };
  const policy = await deps.approvals.get(target.environmentId);
  const needsApproval = policy.kinds.includes(request.kind);
  const plan: OperationPlan = {
    ...(await definition.plan({ target, params: request.params, cloud: deps.cloud, now })),
    deadline,
    ...(needsApproval && {
      approval: { required: true, approverRole: definition.minRole, expiresAfterMinutes: policy.expiresAfterMinutes },
    }),
  };
  if (request.dryRun) return { dryRun: true, plan };

  const { operation, created } = await deps.operations.create(
    {
      kind: request.kind,
      environmentId: target.environmentId,
      targetResourceId: target.id,
      params: request.params,
      plan,
      firstStep: definition.firstStep,
      idempotencyKey: request.idempotencyKey,
      requestHash,
      dueAt: now,
      deadlineAt: new Date(deadline.at),
      approvalExpiresAt: needsApproval ? new Date(now.getTime() + policy.expiresAfterMinutes * 60_000) : null,
    },
    audit,
  );
  return { dryRun: false, operation, created };
}
