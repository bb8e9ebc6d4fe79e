import type { Operation, OperationEvent, OperationKind } from "@fastier/core";
import type { OperationEvent as OperationEventRow, Operation as OperationRow } from "../generated/prisma/client.ts";
import type {
  OperationKind as DbOperationKind,
  OperationStatus as DbOperationStatus,
} from "../generated/prisma/enums.ts";

export const toDbOperationKind = (kind: OperationKind) => kind.toUpperCase() as DbOperationKind;
export const toDbOperationStatus = (status: string) => status.toUpperCase() as DbOperationStatus;

export function operationFromRow(row: OperationRow): Operation {
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
