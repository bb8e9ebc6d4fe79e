import type { Role } from "../auth/roles.ts";
import type { CloudPort } from "../cloud/cloudPort.ts";
import type { Resource, ResourceKind, ResourceSpec } from "../inventory/types.ts";

export const OPERATION_KINDS = [
  "scale",
  "start_deployment",
  "stop_deployment",
  "rollback_stage",
  "promote_replica",
  "restore_point_in_time",
  "create_snapshot",
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATUSES = ["pending", "running", "succeeded", "failed", "cancelled"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const ACTIVE_STATUSES: readonly OperationStatus[] = ["pending", "running"];

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
}

export interface OperationError {
  code: string;
  message: string;
  /** The cloud's request id, for a support case. */
  cloudRequestId?: string;
  providerCode?: string;
}

export interface Operation {
  id: string;
  kind: OperationKind;
  environmentId: string;
  targetResourceId: string;
  params: Record<string, unknown>;
  plan: OperationPlan;
  status: OperationStatus;
  /** The state machine's current step, e.g. `act`, `wait`, `verify`. */
  step: string;
  /** Scratch the steps keep between ticks (an execution id, a snapshot id, ...). */
  state: Record<string, unknown>;
  requestedByKeyId: string | null;
  requestedByName: string;
  idempotencyKey: string | null;
  attempts: number;
  cancelRequested: boolean;
  result: Record<string, unknown> | null;
  error: OperationError | null;
  nextAttemptAt: Date;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface OperationEvent {
  id: string;
  operationId: string;
  at: Date;
  type: "created" | "started" | "progress" | "retry" | "succeeded" | "failed" | "cancel_requested" | "cancelled";
  step: string;
  message: string;
  data: Record<string, unknown> | null;
}

/** Inventory changes that follow from a verified end state, applied with the operation's completion. */
export interface InventoryEffect {
  updates: { resourceId: string; changes: Partial<ResourceSpec> }[];
  creates: { kind: ResourceKind; name: string; cloudId: string; spec: Partial<ResourceSpec> }[];
}

/** What one step decided. The reconciler persists it and schedules what comes next. */
export type StepOutcome =
  | { type: "advance"; step: string; message: string; state?: Record<string, unknown>; data?: Record<string, unknown> }
  | {
      type: "wait";
      recheckAfterMs: number;
      message: string;
      state?: Record<string, unknown>;
      data?: Record<string, unknown>;
    }
  | {
      type: "succeeded";
      message: string;
      result: Record<string, unknown>;
      inventory?: InventoryEffect;
    }
  | {
      type: "failed";
      code: string;
      message: string;
      result?: Record<string, unknown>;
      /** The cloud's request id and error code when the cloud refused. */
      errorDetails?: Omit<OperationError, "code" | "message">;
    }
  | { type: "cancelled"; message: string };

export interface PlanContext<P> {
  target: Resource;
  params: P;
  cloud: CloudPort;
  now: Date;
}

export interface StepContext<P> {
  operation: Operation & { params: P };
  target: Resource;
  cloud: CloudPort;
  now: Date;
}

/**
 * One kind of operation: who may ask for it, on what, how it is checked and
 * planned, and its state machine. `step` is called once per tick with the
 * operation's current step and must be idempotent: a step may run again after
 * a crash, so it checks the cloud before acting.
 */
export interface OperationDefinition<P = Record<string, unknown>> {
  kind: OperationKind;
  targetKinds: readonly ResourceKind[];
  minRole: Role;
  /** Validates the request against the target and the cloud; throws a DomainError to refuse. */
  plan(context: PlanContext<P>): Promise<OperationPlan>;
  /** The first step of the state machine. */
  firstStep: string;
  step(context: StepContext<P>): Promise<StepOutcome>;
  /** Whether a cancel can still take effect in this step (before anything irreversible happened). */
  cancellableIn(step: string): boolean;
  /**
   * What a failure in the operation's current step leaves behind that someone pays for (a new
   * instance, say), as a sentence for the failure message; null when nothing. The reconciler adds
   * it to the failures it makes itself (a refused or exhausted step), so no path forgets it.
   */
  leftBehind?(operation: Operation & { params: P }): string | null;
}
