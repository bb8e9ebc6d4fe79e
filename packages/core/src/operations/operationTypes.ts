import type { Static, TObject } from "typebox";
import type { Role } from "../auth/roles.ts";
import type { CloudPort } from "../cloud/cloudPort.ts";
import type { DrDrillEvidence } from "../dr/drillEvidence.ts";
import type { FindingSeverity, HealthRuleId } from "../health/rules/findingTypes.ts";
import type { Resource, ResourceKind, ResourceSpec } from "../inventory/types.ts";

export const OPERATION_STATUSES = [
  "awaiting_approval",
  "pending",
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "rejected",
  "expired",
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
/** Statuses that hold the target's lock: an operation awaiting approval holds it too. */
export const ACTIVE_STATUSES: readonly OperationStatus[] = ["awaiting_approval", "pending", "running"];

export interface PlanChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlanCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** A setting the operation will use, and whether the request named it or it was taken from the source. */
export interface PlanSetting {
  value: unknown;
  from: "source" | "request";
}

/** What an operation will do, shown before it runs (`dryRun`) and kept with it. */
export interface OperationPlan {
  summary: string;
  changes: PlanChange[];
  checks: PlanCheck[];
  /** The settings of what it creates, by name, where a kind defaults them (a restore copies its source's). */
  settings?: Record<string, PlanSetting>;
  /** By when it must have ended, else it ends `timed_out` (the kind's default or the request's `timeoutMinutes`). */
  deadline?: PlanDeadline;
  /** Present when the environment's policy asks a second person to approve this kind. */
  approval?: PlanApproval;
  /** A deploy's health gate: off by request, or the thresholds and the baseline it will hold the site to. */
  healthGate?: PlanHealthGate;
}

export interface PlanHealthGate {
  enabled: boolean;
  /** The ARN of the load balancer it watches; null when off. */
  loadBalancer: string | null;
  /** Each threshold as it applies (the request's, or the default); null when off. */
  thresholds: Record<string, number> | null;
  /** The signals now, as the baseline will be recorded when the deploy starts; null when off. */
  baseline: Record<string, unknown> | null;
}

export interface PlanApproval {
  required: true;
  /** The least role of the approver, who must not be the requester. */
  approverRole: Role;
  /** The request expires when nobody decides within this. */
  expiresAfterMinutes: number;
}

/** A second person's decision on an operation that needed approval. */
export interface ApprovalDecision {
  decision: "approved" | "rejected";
  byKeyId: string | null;
  byName: string;
  at: Date;
  reason: string | null;
}

export interface PlanDeadline {
  timeoutMinutes: number;
  from: "kind_default" | "request";
  /** ISO 8601; for a dry run, counted from the moment of the plan. */
  at: string;
}

export interface OperationError {
  code: string;
  message: string;
  /** The cloud's request id, for a support case. */
  cloudRequestId?: string;
  providerCode?: string;
}

/**
 * A stored operation as its kind's steps see it: `kind` is any kind's name
 * here (the registry derives the union of names), `params` and `state` are
 * the kind's own types once checked.
 */
export interface OperationRecord<P = Record<string, unknown>, S = Record<string, unknown>> {
  id: string;
  kind: string;
  environmentId: string;
  targetResourceId: string;
  params: P;
  plan: OperationPlan;
  status: OperationStatus;
  /** The state machine's current step, e.g. `act`, `wait`, `verify`. */
  step: string;
  /** Scratch the steps keep between ticks (an execution id, a snapshot id, ...), typed by the kind's state schema. */
  state: S;
  requestedByKeyId: string | null;
  requestedByName: string;
  idempotencyKey: string | null;
  attempts: number;
  cancelRequested: boolean;
  result: Record<string, unknown> | null;
  error: OperationError | null;
  nextAttemptAt: Date;
  /** The operation ends `timed_out` once this passes. */
  deadlineAt: Date;
  /** Claims whose worker died before saving its step. */
  lostLeases: number;
  /** While awaiting approval: when the request expires. */
  approvalExpiresAt: Date | null;
  decision: ApprovalDecision | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface OperationEvent {
  id: string;
  operationId: string;
  at: Date;
  type:
    | "created"
    | "approval_requested"
    | "approved"
    | "rejected"
    | "expired"
    | "started"
    | "progress"
    | "retry"
    | "succeeded"
    | "failed"
    | "cancel_requested"
    | "cancelled";
  step: string;
  message: string;
  data: Record<string, unknown> | null;
}

/** A finding an operation's failure opens on its target (resolved by the target's next operation that succeeds). */
export interface OperationFinding {
  ruleId: HealthRuleId;
  severity: FindingSeverity;
  summary: string;
}

/** Inventory changes that follow from a verified end state, applied with the operation's completion. */
export interface InventoryEffect {
  updates: { resourceId: string; changes: Partial<ResourceSpec> }[];
  creates: { kind: ResourceKind; name: string; cloudId: string; spec: Partial<ResourceSpec> }[];
}

/**
 * What one step decided. The reconciler persists it and schedules what comes
 * next; `state` is merged into the operation's state.
 */
export type StepOutcome<S = Record<string, unknown>> =
  | { type: "advance"; step: string; message: string; state?: S; data?: Record<string, unknown> }
  | {
      type: "wait";
      recheckAfterMs: number;
      message: string;
      state?: S;
      data?: Record<string, unknown>;
    }
  | {
      type: "succeeded";
      message: string;
      result: Record<string, unknown>;
      inventory?: InventoryEffect;
      evidence?: DrDrillEvidence;
    }
  | {
      type: "failed";
      code: string;
      message: string;
      result?: Record<string, unknown>;
      /** The cloud's request id and error code when the cloud refused. */
      errorDetails?: Omit<OperationError, "code" | "message">;
      /** A health finding on the target opened with the failure, for what must not wait for someone to read the history. */
      finding?: OperationFinding;
      evidence?: DrDrillEvidence;
    }
  | { type: "cancelled"; message: string; evidence?: DrDrillEvidence };

export interface PlanContext<P> {
  target: Resource;
  params: P;
  cloud: CloudPort;
  now: Date;
}

export interface StepContext<P, S> {
  operation: OperationRecord<P, S>;
  target: Resource;
  cloud: CloudPort;
  now: Date;
}

/** What a kind says about itself, as data: the same in its module and in the registry. */
interface OperationDescription<K extends string, Body extends TObject> {
  kind: K;
  targetKinds: readonly ResourceKind[];
  minRole: Role;
  /** The endpoint under `/v1/resources/{id}/`. */
  path: string;
  summary: string;
  description: string;
  /** The request's own fields (the API adds `dryRun` and `timeoutMinutes`); its params type is `Static<Body>`. */
  body: Body;
  /** How long the operation may take before it ends `timed_out`, unless the request says otherwise. */
  defaultTimeoutMinutes: number;
  /** The first step of the state machine. */
  firstStep: string;
  /** Whether a cancel can still take effect in this step (before anything irreversible happened). */
  cancellableIn(step: string): boolean;
  /**
   * Steps that answer a cancel themselves by undoing what was done (a blue/green deploy swaps
   * back during its drain): the step reads `cancelRequested`, and the reconciler neither ends the
   * operation before it nor calls the cancel too late. None when omitted.
   */
  undoesOnCancelIn?(step: string): boolean;
  /**
   * A step every ending goes through, for what must not outlive the operation (a scratch
   * instance): a failure, a cancel, the deadline or workers lost too often first move the
   * operation into it, and it ends as it would have once the step succeeds (see cleanupStep.ts).
   * The step gets `graceMinutes` past the deadline; it must not be cancellable.
   */
  cleanup?: { step: string; graceMinutes: number };
}

/**
 * One kind of operation, the single source of everything about it: its name,
 * who may ask for it, on what, its endpoint and request body (from which its
 * params type comes), its state, how it is checked and planned, its state
 * machine and its deadline. `step` is called once per tick with the
 * operation's current step and must be idempotent: a step may run again
 * after a crash, so it checks the cloud before acting.
 */
export interface OperationDefinition<K extends string, Body extends TObject, State extends TObject>
  extends OperationDescription<K, Body> {
  /** What the steps keep between ticks; every property optional, as the first step starts with none. */
  state: State;
  /** Validates the request against the target and the cloud; throws a DomainError to refuse. */
  plan(context: PlanContext<Static<Body>>): Promise<OperationPlan>;
  step(context: StepContext<Static<Body>, Static<State>>): Promise<StepOutcome<Static<State>>>;
  /**
   * What a failure in the operation's current step leaves behind that someone pays for (a new
   * instance, say), as a sentence for the failure message; null when nothing. The reconciler adds
   * it to the failures it makes itself (a refused or exhausted step), so no path forgets it.
   */
  leftBehind?(operation: OperationRecord<Static<Body>, Static<State>>): string | null;
  /**
   * The DR evidence the operation has gathered so far, for an ending the reconciler makes itself
   * (a deadline, lost workers, a refused call) that its own steps would have given; null when none.
   */
  evidence?(operation: OperationRecord<Static<Body>, Static<State>>): DrDrillEvidence | null;
}

/**
 * A kind as the registry, the API and the reconciler hold it: the same
 * description, with its functions behind a check of what comes in (a request's
 * params, or params and state read back from the database) against the kind's
 * own schemas, so that each kind works on its own types and nothing is cast.
 */
export interface RegisteredOperation<K extends string = string> extends OperationDescription<K, TObject> {
  plan(context: PlanContext<unknown>): Promise<OperationPlan>;
  step(context: StepContext<unknown, unknown>): Promise<StepOutcome>;
  leftBehind(operation: OperationRecord<unknown, unknown>): string | null;
  evidence(operation: OperationRecord<unknown, unknown>): DrDrillEvidence | null;
}
