import type { AuditContext } from "../audit/types.ts";
import type { CursorPosition, Page } from "../pagination/cursor.ts";
import type { Operation, OperationKind } from "./operationRegistry.ts";
import type { OperationEvent, OperationPlan, OperationStatus, StepOutcome } from "./operationTypes.ts";

export interface NewOperation {
  kind: OperationKind;
  environmentId: string;
  targetResourceId: string;
  params: Record<string, unknown>;
  plan: OperationPlan;
  firstStep: string;
  idempotencyKey: string | null;
  /** Hash of kind, target and params: the same key with another request is refused. */
  requestHash: string;
  /** When the first step is due, on the cloud's clock (the reconciler compares with the same clock). */
  dueAt: Date;
  /** On the same clock. */
  deadlineAt: Date;
  /** Set when the environment's policy asks for approval: the operation waits for it until then. */
  approvalExpiresAt: Date | null;
}

export interface ApprovalRecord {
  decision: "approved" | "rejected";
  reason: string | null;
  now: Date;
  /** The deadline of an approved operation, counted from the approval. */
  deadlineAt: Date;
}

export interface OperationQuery {
  status?: OperationStatus;
  kind?: OperationKind;
  targetResourceId?: string;
  requestedByKeyId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  after?: CursorPosition;
}

export interface StepRecord {
  outcome: StepOutcome;
  /** When the next step is due (now for `advance`, later for `wait`, backoff for a retry). */
  nextAttemptAt: Date;
  now: Date;
}

export interface RetryRecord {
  message: string;
  attempts: number;
  nextAttemptAt: Date;
  now: Date;
  data?: Record<string, unknown>;
}

export interface OperationStore {
  /**
   * Inserts the operation and its `created` event and audit event in one
   * transaction. With an idempotency key already used by this caller, returns
   * the existing operation (`created: false`) when the request is the same and
   * refuses (`idempotency_key_reused`) when it is not. Refuses
   * (`operation_in_progress`, naming it) when the target has an active operation.
   */
  create(input: NewOperation, audit: AuditContext): Promise<{ operation: Operation; created: boolean }>;
  /** The caller's earlier operation with this idempotency key (refusing a different request under it), if any. */
  findIdempotent(keyId: string | null, idempotencyKey: string, requestHash: string): Promise<Operation | null>;
  get(id: string): Promise<Operation | null>;
  list(query: OperationQuery): Promise<Page<Operation>>;
  /** Events after `afterId` (all when omitted), oldest first. */
  events(operationId: string, afterId?: string): Promise<OperationEvent[]>;
  /**
   * Claims up to `limit` due operations for `workerId` until `leaseUntil`
   * (`FOR UPDATE SKIP LOCKED`): other workers skip them; an expired lease makes
   * them claimable again.
   */
  claimDue(workerId: string, now: Date, leaseUntil: Date, limit: number): Promise<Operation[]>;
  /** Gives back claims this worker will not work on (it is stopping), so another can take them at once. */
  releaseClaims(operationIds: string[], workerId: string): Promise<void>;
  /** Persists one step's outcome (and its inventory effect) and releases the lease, if still held. */
  recordStep(operationId: string, workerId: string, record: StepRecord): Promise<Operation | null>;
  /** Persists a retryable failure with its backoff, and releases the lease. */
  recordRetry(operationId: string, workerId: string, record: RetryRecord): Promise<Operation | null>;
  /** `now` is the control plane's clock (the simulated one under the simulator), like every step's events. */
  requestCancel(id: string, audit: AuditContext, now: Date): Promise<Operation>;
  /**
   * Approves (the operation becomes pending, its deadline counted from now) or
   * rejects (it ends, nothing done in the cloud) an operation awaiting
   * approval, with its event and audit event. Refuses one already decided,
   * expired or not awaiting approval (`not_awaiting_approval`, 409).
   */
  decide(id: string, record: ApprovalRecord, audit: AuditContext): Promise<Operation>;
  /** Ends the operations whose approval was not given in time (`expired`); returns how many. */
  expireApprovals(now: Date): Promise<number>;
}
