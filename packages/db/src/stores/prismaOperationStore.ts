import {
  ACTIVE_STATUSES,
  ConflictError,
  DomainError,
  NotFoundError,
  type NotificationEventInput,
  type Operation,
  type OperationFinding,
  type OperationStore,
  operationOutcomeEvent,
  type StepOutcome,
} from "@fastier/core";
import { Prisma } from "../generated/prisma/client.ts";
import type { OperationKind as DbOperationKind, FindingSeverity } from "../generated/prisma/enums.ts";
import type { DatabaseHandle } from "../prismaClient.ts";
import { writeAudit } from "./auditWriter.ts";
import { recordDrillEvidence } from "./drDrillRows.ts";
import { applyInventoryEffect } from "./inventoryEffects.ts";
import { toJsonValue } from "./jsonValue.ts";
import { keysetOrder, keysetWhere, toPage } from "./keyset.ts";
import { onPrismaTransaction, writeNotifications } from "./notificationOutbox.ts";
import {
  OPERATION_COLUMNS,
  operationEventFromRow,
  operationFromRow,
  type StoredOperationRow,
  toDbOperationKind,
  toDbOperationStatus,
} from "./operationRows.ts";
import { lockRow } from "./rowLock.ts";
import { toDbEnum } from "./rowMapping.ts";

/** The statuses that hold a target's lock, as the database spells them. */
const ACTIVE_DB_STATUSES = ACTIVE_STATUSES.map(toDbOperationStatus);

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

export function createOperationStore({ prisma, pool }: Pick<DatabaseHandle, "prisma" | "pool">): OperationStore {
  async function existingForKey(keyId: string | null, idempotencyKey: string, requestHash: string) {
    const row = await prisma.operation.findUnique({
      where: { requestedByKeyId_idempotencyKey: { requestedByKeyId: keyId as string, idempotencyKey } },
    });
    if (!row) return null;
    if (row.requestHash !== requestHash) {
      throw new DomainError(
        "unprocessable",
        "idempotency_key_reused",
        `Idempotency-Key ${idempotencyKey} was already used for a different request (operation ${row.id})`,
        { operationId: row.id },
      );
    }
    return operationFromRow(row);
  }

  /**
   * The target's lock holder. Stopping a deployment neither takes nor waits for the lock; rolling
   * an environment back does not wait for a blue/green deploy (it swaps back during its drain) and
   * excludes only another rollback and the other kinds (the database's two partial indexes say the same).
   */
  async function activeConflict(targetResourceId: string, kind: string) {
    if (kind === "stop_deployment") return null;
    const notBlocking: DbOperationKind[] =
      kind === "rollback_environment" ? ["STOP_DEPLOYMENT", "BLUE_GREEN_DEPLOY"] : ["STOP_DEPLOYMENT"];
    const active = await prisma.operation.findFirst({
      where: {
        targetResourceId,
        status: { in: ACTIVE_DB_STATUSES },
        kind: { notIn: notBlocking },
      },
    });
    return active
      ? new ConflictError(
          "operation_in_progress",
          `operation ${active.id} (${active.kind.toLowerCase()}) is still ${active.status.toLowerCase()} on this resource; wait for it or cancel it`,
          { activeOperationId: active.id },
        )
      : null;
  }

  return {
    async create(input, audit) {
      // Checked again after each refusal below: a concurrent identical request may have just won the race.
      const replay = () =>
        input.idempotencyKey ? existingForKey(audit.actor.keyId, input.idempotencyKey, input.requestHash) : null;
      const refuseOrReplay = async () => {
        const earlier = await replay();
        if (earlier) return { operation: earlier, created: false };
        const conflict = await activeConflict(input.targetResourceId, input.kind);
        if (conflict) {
          const raced = await replay();
          if (raced) return { operation: raced, created: false };
          throw conflict;
        }
        return null;
      };
      const before = await refuseOrReplay();
      if (before) return before;
      try {
        const operation = await prisma.$transaction(async (tx) => {
          const row = await tx.operation.create({
            data: {
              kind: toDbOperationKind(input.kind),
              environmentId: input.environmentId,
              targetResourceId: input.targetResourceId,
              params: toJsonValue(input.params),
              plan: toJsonValue(input.plan),
              step: input.firstStep,
              requestedByKeyId: audit.actor.keyId,
              requestedByName: audit.actor.name,
              idempotencyKey: input.idempotencyKey,
              requestHash: input.requestHash,
              nextAttemptAt: input.dueAt,
              deadlineAt: input.deadlineAt,
              ...(input.approvalExpiresAt && {
                status: "AWAITING_APPROVAL",
                approvalExpiresAt: input.approvalExpiresAt,
              }),
              // The request's time on the control plane's clock (the simulated one under the simulator), like every later step.
              createdAt: input.dueAt,
            },
          });
          await tx.operationEvent.create({
            data: {
              operationId: row.id,
              at: input.dueAt,
              type: "created",
              step: input.firstStep,
              message: input.plan.summary,
            },
          });
          if (input.approvalExpiresAt) {
            await tx.operationEvent.create({
              data: {
                operationId: row.id,
                at: input.dueAt,
                type: "approval_requested",
                step: input.firstStep,
                message: `waits for another person's approval (${input.plan.approval?.approverRole ?? "admin"} or above) until ${input.approvalExpiresAt.toISOString()}`,
              },
            });
          }
          await writeAudit(tx, audit, {
            action: `operation.${input.kind}`,
            targetType: "resource",
            targetId: input.targetResourceId,
            after: { operationId: row.id, params: input.params, plan: input.plan },
          });
          if (input.approvalExpiresAt) {
            await writeNotifications(onPrismaTransaction(tx), [
              {
                type: "approval.requested",
                occurredAt: input.dueAt,
                subject: { id: input.targetResourceId },
                severity: null,
                data: {
                  operationId: row.id,
                  kind: input.kind,
                  requestedBy: audit.actor.name,
                  approverRole: input.plan.approval?.approverRole ?? "admin",
                  expiresAt: input.approvalExpiresAt.toISOString(),
                  summary: `${audit.actor.name} asks for approval: ${input.plan.summary}`,
                },
              },
            ]);
          }
          return operationFromRow(row);
        }, TRANSACTION);
        return { operation, created: true };
      } catch (error) {
        // The database refused: the same idempotent request, or another operation on the target, got in first.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          const after = await refuseOrReplay();
          if (after) return after;
        }
        throw error;
      }
    },

    findIdempotent: existingForKey,

    async get(id) {
      const row = await prisma.operation.findUnique({ where: { id } });
      return row ? operationFromRow(row) : null;
    },

    async list(query) {
      const rows = await prisma.operation.findMany({
        where: {
          ...(query.status && { status: toDbOperationStatus(query.status) }),
          ...(query.kind && { kind: toDbOperationKind(query.kind) }),
          ...(query.targetResourceId && { targetResourceId: query.targetResourceId }),
          ...(query.requestedByKeyId && { requestedByKeyId: query.requestedByKeyId }),
          ...((query.from || query.to) && {
            createdAt: { ...(query.from && { gte: query.from }), ...(query.to && { lt: query.to }) },
          }),
          ...keysetWhere("createdAt", true, query.after, true),
        },
        orderBy: keysetOrder("createdAt", true),
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, "-createdAt", (row) => row.createdAt.toISOString(), operationFromRow);
    },

    async events(operationId, afterId) {
      const rows = await prisma.operationEvent.findMany({
        where: { operationId, ...(afterId && { id: { gt: BigInt(afterId) } }) },
        orderBy: { id: "asc" },
      });
      return rows.map(operationEventFromRow);
    },

    async claimDue(workerId, now, leaseUntil, limit) {
      // One statement, so one round trip: pick the due rows, lease them, write their `started` (or
      // lost-lease) events and read them back. A lease still named when its row is claimed again
      // belonged to a worker that died before saving its step: that is counted, to bound retries.
      const { rows } = await pool.query<StoredOperationRow>(
        `WITH due AS (
           SELECT id, status = 'PENDING' AS was_pending, lease_owner IS NOT NULL AS lease_lost FROM operations
            WHERE status IN ('PENDING', 'RUNNING') AND next_attempt_at <= $2
              AND (lease_expires_at IS NULL OR lease_expires_at < $2)
            ORDER BY next_attempt_at, id
            LIMIT $4
            FOR UPDATE SKIP LOCKED),
         claimed AS (
           UPDATE operations o
              SET lease_owner = $1, lease_expires_at = $3, status = 'RUNNING',
                  started_at = COALESCE(o.started_at, $2), updated_at = now(),
                  lost_leases = o.lost_leases + CASE WHEN due.lease_lost THEN 1 ELSE 0 END
             FROM due WHERE o.id = due.id
           RETURNING ${OPERATION_COLUMNS}, due.was_pending, due.lease_lost),
         noted AS (
           INSERT INTO operation_events (operation_id, at, type, step, message)
           SELECT id, $2, CASE WHEN was_pending THEN 'started' ELSE 'retry' END, step,
                  CASE WHEN was_pending THEN 'started by ' || $1::text
                       ELSE 'the worker running step ' || step || ' stopped without saving it (' || "lostLeases"
                            || ' so far); ' || $1::text || ' takes over' END
             FROM claimed WHERE was_pending OR lease_lost)
         SELECT * FROM claimed ORDER BY "nextAttemptAt", id`,
        [workerId, now, leaseUntil, limit],
      );
      return rows.map(operationFromRow);
    },

    async releaseClaims(operationIds, workerId) {
      if (operationIds.length === 0) return;
      await pool.query(
        "UPDATE operations SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ANY($1::uuid[]) AND lease_owner = $2",
        [operationIds, workerId],
      );
    },

    async recordStep(operationId, workerId, record) {
      return prisma.$transaction(async (tx) => {
        const held = await holdLease(tx, operationId, workerId);
        if (!held) return null;
        const current = operationFromRow(held);
        const data = await stepData(tx, current, record.outcome, record.now, record.nextAttemptAt);
        const row = await tx.operation.update({ where: { id: operationId }, data });
        await writeNotifications(onPrismaTransaction(tx), outcomeEvents(current, record.outcome, record.now));
        return operationFromRow(row);
      }, TRANSACTION);
    },

    async recordRetry(operationId, workerId, record) {
      return prisma.$transaction(async (tx) => {
        const held = await holdLease(tx, operationId, workerId);
        if (!held) return null;
        await tx.operationEvent.create({
          data: {
            operationId,
            at: record.now,
            type: "retry",
            step: held.step,
            message: record.message,
            data: toJsonValue(record.data ?? {}),
          },
        });
        const row = await tx.operation.update({
          where: { id: operationId },
          data: {
            attempts: record.attempts,
            nextAttemptAt: record.nextAttemptAt,
            leaseOwner: null,
            leaseExpiresAt: null,
          },
        });
        return operationFromRow(row);
      }, TRANSACTION);
    },

    async decide(id, record, audit) {
      return prisma.$transaction(async (tx) => {
        if (!(await lockRow(tx, "operations", id))) throw new NotFoundError("operation", id);
        const row = await tx.operation.findUniqueOrThrow({ where: { id } });
        if (row.status !== "AWAITING_APPROVAL") {
          throw new ConflictError(
            "not_awaiting_approval",
            `operation ${id} is ${row.status.toLowerCase()}${row.decidedByName ? ` (decided by ${row.decidedByName})` : ""}; there is nothing to decide`,
            { status: row.status.toLowerCase() },
          );
        }
        if (row.approvalExpiresAt && row.approvalExpiresAt <= record.now) {
          throw new ConflictError(
            "approval_expired",
            `the approval of operation ${id} expired at ${row.approvalExpiresAt.toISOString()}; request it again`,
          );
        }
        const approved = record.decision === "approved";
        const decided = {
          decidedByKeyId: audit.actor.keyId,
          decidedByName: audit.actor.name,
          decidedAt: record.now,
          decisionReason: record.reason,
          approvalExpiresAt: null,
        };
        const updated = await tx.operation.update({
          where: { id },
          data: approved
            ? {
                ...decided,
                status: "PENDING",
                nextAttemptAt: record.now,
                deadlineAt: record.deadlineAt,
              }
            : { ...decided, status: "REJECTED", finishedAt: record.now },
        });
        await tx.operationEvent.create({
          data: {
            operationId: id,
            at: record.now,
            type: record.decision,
            step: row.step,
            message: `${record.decision} by ${audit.actor.name}${record.reason ? `: ${record.reason}` : ""}${approved ? "" : "; nothing was done in the cloud"}`,
          },
        });
        await writeAudit(tx, audit, {
          action: approved ? "operation.approve" : "operation.reject",
          targetType: "operation",
          targetId: id,
          after: { reason: record.reason },
        });
        return operationFromRow(updated);
      }, TRANSACTION);
    },

    async expireApprovals(now) {
      const { rowCount } = await pool.query(
        `WITH expired AS (
           UPDATE operations SET status = 'EXPIRED', finished_at = $1, updated_at = now()
            WHERE status = 'AWAITING_APPROVAL' AND approval_expires_at <= $1
           RETURNING id, step, approval_expires_at)
         INSERT INTO operation_events (operation_id, at, type, step, message)
         SELECT id, $1, 'expired', step,
                'nobody approved it by ' || to_char(approval_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                || '; nothing was done in the cloud'
           FROM expired`,
        [now],
      );
      return rowCount ?? 0;
    },

    async requestCancel(id, audit, now) {
      return prisma.$transaction(async (tx) => {
        if (!(await lockRow(tx, "operations", id))) throw new NotFoundError("operation", id);
        const row = await tx.operation.findUniqueOrThrow({ where: { id } });
        if (!ACTIVE_DB_STATUSES.includes(row.status)) {
          throw new ConflictError("operation_finished", `operation ${id} already ${row.status.toLowerCase()}`, {
            status: row.status.toLowerCase(),
          });
        }
        await writeAudit(tx, audit, { action: "operation.cancel", targetType: "operation", targetId: id });
        if ((row.status === "PENDING" || row.status === "AWAITING_APPROVAL") && !row.leaseOwner) {
          // Not started yet: nothing in the cloud to undo.
          await tx.operationEvent.create({
            data: {
              operationId: id,
              type: "cancelled",
              step: row.step,
              at: now,
              message: `cancelled by ${audit.actor.name} before it started`,
            },
          });
          return operationFromRow(
            await tx.operation.update({
              where: { id },
              data: { status: "CANCELLED", cancelRequested: true, finishedAt: now },
            }),
          );
        }
        await tx.operationEvent.create({
          data: {
            operationId: id,
            type: "cancel_requested",
            step: row.step,
            at: now,
            message: `cancel requested by ${audit.actor.name}; it takes effect if the current step allows`,
          },
        });
        return operationFromRow(await tx.operation.update({ where: { id }, data: { cancelRequested: true } }));
      }, TRANSACTION);
    },
  };
}

/** The operation row, locked, if `workerId` still holds its lease; a worker that lost it must not write. */
async function holdLease(tx: Prisma.TransactionClient, operationId: string, workerId: string) {
  if (!(await lockRow(tx, "operations", operationId))) return null;
  const row = await tx.operation.findUnique({ where: { id: operationId } });
  if (!row || row.leaseOwner !== workerId || (row.status !== "RUNNING" && row.status !== "PENDING")) return null;
  return row;
}

/** Opens the failure's finding on the target, or refreshes the one already open for the same rule (one open per rule). */
async function openOperationFinding(
  tx: Prisma.TransactionClient,
  current: Operation,
  finding: OperationFinding,
  now: Date,
): Promise<void> {
  const open = await tx.finding.findFirst({
    where: { resourceId: current.targetResourceId, ruleId: finding.ruleId, status: "OPEN" },
  });
  const fields = { severity: toDbEnum<FindingSeverity>(finding.severity), summary: finding.summary, lastSeenAt: now };
  if (open) {
    await tx.finding.update({ where: { id: open.id }, data: fields });
    return;
  }
  const created = await tx.finding.create({
    data: {
      ...fields,
      environmentId: current.environmentId,
      resourceId: current.targetResourceId,
      ruleId: finding.ruleId,
      openedAt: now,
    },
  });
  await writeNotifications(onPrismaTransaction(tx), [
    {
      type: "finding.opened",
      occurredAt: now,
      subject: { id: current.targetResourceId },
      severity: finding.severity,
      data: {
        findingId: created.id,
        ruleId: finding.ruleId,
        severity: finding.severity,
        summary: finding.summary,
        operationId: current.id,
      },
    },
  ]);
}

/** The notification an operation's end raises (a cancel raises none: someone asked for it). */
function outcomeEvents(current: Operation, outcome: StepOutcome, now: Date): NotificationEventInput[] {
  if (outcome.type !== "succeeded" && outcome.type !== "failed") return [];
  const code = outcome.type === "failed" ? outcome.code : null;
  return [
    {
      type: operationOutcomeEvent(outcome.type, code),
      occurredAt: now,
      subject: { id: current.targetResourceId },
      severity: null,
      data: {
        operationId: current.id,
        kind: current.kind,
        status: outcome.type,
        code,
        requestedBy: current.requestedByName,
        summary: outcome.message,
      },
    },
  ];
}

async function stepData(
  tx: Prisma.TransactionClient,
  current: Operation,
  outcome: StepOutcome,
  now: Date,
  nextAttemptAt: Date,
): Promise<Prisma.OperationUpdateInput> {
  const release = { leaseOwner: null, leaseExpiresAt: null };
  const event = (type: string, message: string, data?: Record<string, unknown>) =>
    tx.operationEvent.create({
      data: {
        operationId: current.id,
        at: now,
        type,
        step: current.step,
        message,
        ...(data && { data: toJsonValue(data) }),
      },
    });
  switch (outcome.type) {
    case "advance":
      await event("progress", outcome.message, { ...outcome.data, nextStep: outcome.step });
      return {
        ...release,
        step: outcome.step,
        state: toJsonValue({ ...current.state, ...outcome.state }),
        attempts: 0,
        nextAttemptAt,
      };
    case "wait": {
      // Repeated identical waits are one event, so the history shows changes, not polls.
      const last = await tx.operationEvent.findFirst({ where: { operationId: current.id }, orderBy: { id: "desc" } });
      if (last?.message !== outcome.message) await event("progress", outcome.message, outcome.data);
      return { ...release, state: toJsonValue({ ...current.state, ...outcome.state }), attempts: 0, nextAttemptAt };
    }
    case "succeeded": {
      await event("succeeded", outcome.message, outcome.result);
      if (outcome.evidence) await recordDrillEvidence(tx, current, outcome, outcome.evidence, now);
      if (outcome.inventory) {
        await applyInventoryEffect(tx, current.environmentId, outcome.inventory, {
          actor: { keyId: null, name: `operation:${current.id}`, role: "admin" },
          requestId: null,
        });
      }
      // A failed automatic rollback is over once an operation on the same target succeeds (a deploy, a rollback).
      await tx.finding.updateMany({
        where: { resourceId: current.targetResourceId, ruleId: "deploy_rollback_failed", status: "OPEN" },
        data: {
          status: "RESOLVED",
          resolvedAt: now,
          resolution: `${current.kind} ${current.id} succeeded: ${outcome.message}`.slice(0, 2000),
        },
      });
      return { ...release, status: "SUCCEEDED", result: toJsonValue(outcome.result), finishedAt: now };
    }
    case "failed":
      await event("failed", outcome.message, { code: outcome.code });
      if (outcome.finding) await openOperationFinding(tx, current, outcome.finding, now);
      if (outcome.evidence) await recordDrillEvidence(tx, current, outcome, outcome.evidence, now);
      return {
        ...release,
        status: "FAILED",
        error: toJsonValue({ code: outcome.code, message: outcome.message, ...outcome.errorDetails }),
        ...(outcome.result && { result: toJsonValue(outcome.result) }),
        finishedAt: now,
      };
    case "cancelled":
      await event("cancelled", outcome.message);
      if (outcome.evidence) await recordDrillEvidence(tx, current, outcome, outcome.evidence, now);
      return { ...release, status: "CANCELLED", finishedAt: now };
  }
}
