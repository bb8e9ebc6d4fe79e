import type { Operation, OperationEvent, OperationKind } from "@fastier/core";
import type { OperationEvent as OperationEventRow, Operation as OperationRow } from "../generated/prisma/client.ts";
import type {
  OperationKind as DbOperationKind,
  OperationStatus as DbOperationStatus,
} from "../generated/prisma/enums.ts";

export const toDbOperationKind = (kind: OperationKind) => kind.toUpperCase() as DbOperationKind;
export const toDbOperationStatus = (status: string) => status.toUpperCase() as DbOperationStatus;

/** An operation row as read with plain pg (OPERATION_COLUMNS) or through Prisma: the columns the mapping reads. */
export type StoredOperationRow = Pick<
  OperationRow,
  | "id"
  | "kind"
  | "environmentId"
  | "targetResourceId"
  | "params"
  | "plan"
  | "status"
  | "step"
  | "state"
  | "requestedByKeyId"
  | "requestedByName"
  | "idempotencyKey"
  | "attempts"
  | "cancelRequested"
  | "result"
  | "error"
  | "nextAttemptAt"
  | "deadlineAt"
  | "lostLeases"
  | "approvalExpiresAt"
  | "decidedByKeyId"
  | "decidedByName"
  | "decidedAt"
  | "decisionReason"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
  | "updatedAt"
>;

/** The columns of StoredOperationRow for a plain-pg SELECT or RETURNING on `operations` aliased `o`. */
export const OPERATION_COLUMNS = `o.id, o.kind, o.environment_id AS "environmentId", o.target_resource_id AS "targetResourceId",
  o.params, o.plan, o.status, o.step, o.state, o.requested_by_key_id AS "requestedByKeyId",
  o.requested_by_name AS "requestedByName", o.idempotency_key AS "idempotencyKey", o.attempts,
  o.cancel_requested AS "cancelRequested", o.result, o.error, o.next_attempt_at AS "nextAttemptAt",
  o.deadline_at AS "deadlineAt", o.lost_leases AS "lostLeases", o.approval_expires_at AS "approvalExpiresAt",
  o.decided_by_key_id AS "decidedByKeyId", o.decided_by_name AS "decidedByName", o.decided_at AS "decidedAt",
  o.decision_reason AS "decisionReason", o.created_at AS "createdAt",
  o.started_at AS "startedAt", o.finished_at AS "finishedAt", o.updated_at AS "updatedAt"`;

export function operationFromRow(row: StoredOperationRow): Operation {
  return {
    id: row.id,
    kind: row.kind.toLowerCase() as Operation["kind"],
    environmentId: row.environmentId,
    targetResourceId: row.targetResourceId,
    params: row.params as Operation["params"],
    plan: row.plan as unknown as Operation["plan"],
    status: row.status.toLowerCase() as Operation["status"],
    step: row.step,
    state: row.state as Operation["state"],
    requestedByKeyId: row.requestedByKeyId,
    requestedByName: row.requestedByName,
    idempotencyKey: row.idempotencyKey,
    attempts: row.attempts,
    cancelRequested: row.cancelRequested,
    result: (row.result as Operation["result"]) ?? null,
    error: (row.error as unknown as Operation["error"]) ?? null,
    nextAttemptAt: row.nextAttemptAt,
    deadlineAt: row.deadlineAt,
    lostLeases: row.lostLeases,
    approvalExpiresAt: row.approvalExpiresAt,
    decision:
      row.decidedAt && row.decidedByName
        ? {
            // Rejected operations end REJECTED; every other decided one was approved.
            decision: row.status === "REJECTED" ? "rejected" : "approved",
            byKeyId: row.decidedByKeyId,
            byName: row.decidedByName,
            at: row.decidedAt,
            reason: row.decisionReason,
          }
        : null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
  };
}

export function operationEventFromRow(row: OperationEventRow): OperationEvent {
  return {
    id: row.id.toString(),
    operationId: row.operationId,
    at: row.at,
    type: row.type as OperationEvent["type"],
    step: row.step,
    message: row.message,
    data: (row.data as OperationEvent["data"]) ?? null,
  };
}
