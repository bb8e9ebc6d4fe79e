import type { AuditContext } from "../audit/types.ts";
import { roleAllows } from "../auth/roles.ts";
import { DomainError, NotFoundError } from "../errors.ts";
import { type Operation, type OperationKind, operationDefinition } from "./operationRegistry.ts";
import type { OperationStore } from "./operationStore.ts";

/** Which kinds need a second person's approval in an environment, and how long a request may wait for it. */
export interface ApprovalPolicy {
  kinds: OperationKind[];
  expiresAfterMinutes: number;
}

export const NO_APPROVAL_POLICY: ApprovalPolicy = { kinds: [], expiresAfterMinutes: 1440 };
/** A request waits between 5 minutes and a week for a decision. */
export const APPROVAL_EXPIRY_MINUTES = { minimum: 5, maximum: 10_080 } as const;

export interface ApprovalPolicyStore {
  /** The environment's policy; NO_APPROVAL_POLICY when none was set. Throws NotFoundError for an unknown environment. */
  get(environmentId: string): Promise<ApprovalPolicy>;
  set(environmentId: string, policy: ApprovalPolicy, audit: AuditContext): Promise<ApprovalPolicy>;
}

export interface ApprovalDependencies {
  operations: OperationStore;
  now: () => Date;
}

/**
 * A second person approves or rejects an operation that awaits approval:
 * someone with at least the kind's role who is not the requester. The store
 * decides under a row lock, so of two approvers racing exactly one decides.
 */
export async function decideApproval(
  deps: ApprovalDependencies,
  operationId: string,
  decision: "approved" | "rejected",
  reason: string | null,
  audit: AuditContext,
): Promise<Operation> {
  const operation = await deps.operations.get(operationId);
  if (!operation) throw new NotFoundError("operation", operationId);
  const definition = operationDefinition(operation.kind);
  const approverRole = definition?.minRole ?? "admin";
  if (!roleAllows(audit.actor.role, approverRole)) {
    throw new DomainError(
      "forbidden",
      "approver_role_too_low",
      `approving a ${operation.kind} needs the ${approverRole} role; this key is ${audit.actor.role}`,
    );
  }
  if (operation.requestedByKeyId !== null && operation.requestedByKeyId === audit.actor.keyId) {
    throw new DomainError(
      "forbidden",
      "self_approval",
      "the requester cannot approve or reject their own operation: another person must decide",
    );
  }
  const now = deps.now();
  // The deadline counts from the approval: the wait for a decision is not the operation's own time.
  const timeoutMinutes = operation.plan.deadline?.timeoutMinutes ?? definition?.defaultTimeoutMinutes ?? 60;
  const deadlineAt = new Date(now.getTime() + timeoutMinutes * 60_000);
  return deps.operations.decide(operationId, { decision, reason, now, deadlineAt }, audit);
}
