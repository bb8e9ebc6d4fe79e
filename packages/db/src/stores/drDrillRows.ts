import type { DrDrillEvidence, Operation, StepOutcome } from "@fastier/core";
import type { Prisma } from "../generated/prisma/client.ts";
import { toJsonValue } from "./jsonValue.ts";

const dateOrNull = (iso: string | null) => (iso === null ? null : new Date(iso));

/** Keeps a drill's measurements as DR evidence, in the transaction that ends its operation. */
export async function recordDrillEvidence(
  tx: Prisma.TransactionClient,
  operation: Operation,
  outcome: Extract<StepOutcome, { type: "succeeded" | "failed" | "cancelled" }>,
  evidence: DrDrillEvidence,
  now: Date,
) {
  await tx.drDrill.upsert({
    where: { operationId: operation.id },
    // Written once: an ending recorded twice (it cannot be: the lease is held) keeps the first.
    update: {},
    create: {
      operationId: operation.id,
      environmentId: operation.environmentId,
      sourceResourceId: operation.targetResourceId,
      sourceIdentifier: evidence.sourceIdentifier,
      scratchIdentifier: evidence.scratchIdentifier,
      pointInTime: evidence.pointInTime,
      outcome: outcome.type,
      errorCode: outcome.type === "failed" ? outcome.code : null,
      message: outcome.message.slice(0, 4000),
      requestedAt: new Date(evidence.requestedAt),
      restoredPointAt: dateOrNull(evidence.restoredPointAt),
      availableAt: dateOrNull(evidence.availableAt),
      deletedAt: dateOrNull(evidence.deletedAt),
      measuredRtoSeconds: evidence.measuredRtoSeconds,
      achievedRpoSeconds: evidence.achievedRpoSeconds,
      checkPassed: evidence.checkPassed,
      checkProblems: toJsonValue(evidence.checkProblems),
      finishedAt: now,
    },
  });
}
