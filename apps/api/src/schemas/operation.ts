import { OPERATION_KINDS, OPERATION_STATUSES } from "@fastier/core";
import { Type } from "typebox";
import { PaginationQuery, Timestamp, Uuid } from "./common.ts";

const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const OperationPlan = Type.Object(
  {
    summary: Type.String(),
    changes: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
    checks: Type.Array(Type.Object({ name: Type.String(), passed: Type.Boolean(), detail: Type.String() })),
    settings: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object({ value: Type.Unknown(), from: Type.Union([Type.Literal("source"), Type.Literal("request")]) }),
        { description: "Settings of what the operation creates, and whether each came from the source or the request" },
      ),
    ),
    approval: Type.Optional(
      Type.Object(
        {
          required: Type.Literal(true),
          approverRole: Type.String(),
          expiresAfterMinutes: Type.Integer(),
        },
        { description: "Another person must approve it before it starts (the environment's approval policy)" },
      ),
    ),
    healthGate: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          loadBalancer: Type.Union([Type.String(), Type.Null()]),
          thresholds: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
          baseline: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
        },
        {
          description:
            "A deploy's health gate: off by request, or the load balancer, thresholds and baseline it holds the site to",
        },
      ),
    ),
    deadline: Type.Optional(
      Type.Object(
        {
          timeoutMinutes: Type.Integer(),
          from: Type.Union([Type.Literal("kind_default"), Type.Literal("request")]),
          at: Timestamp,
        },
        { description: "By when the operation must have ended, else it ends failed with code timed_out" },
      ),
    ),
  },
  { $id: "OperationPlan", description: "What the operation will do: changes from → to, and the checks it passed" },
);

export const OperationEvent = Type.Object(
  {
    id: Type.String(),
    at: Timestamp,
    type: Type.String({
      description:
        "created, approval_requested, approved, rejected, expired, started, progress, retry, cancel_requested, " +
        "succeeded, failed, cancelled",
    }),
    step: Type.String(),
    message: Type.String(),
    data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { $id: "OperationEvent" },
);

const operationFields = {
  id: Uuid,
  kind: Type.Enum([...OPERATION_KINDS]),
  status: Type.Enum([...OPERATION_STATUSES]),
  step: Type.String({ description: "The current step of the operation's state machine" }),
  environmentId: Uuid,
  targetResourceId: Uuid,
  params: Type.Record(Type.String(), Type.Unknown()),
  plan: Type.Ref("OperationPlan"),
  state: Type.Record(Type.String(), Type.Unknown(), {
    description: "Working data of the steps so far, e.g. the pipeline execution id to stop",
  }),
  requestedByKeyId: Type.Union([Uuid, Type.Null()]),
  requestedByName: Type.String(),
  idempotencyKey: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer({ description: "Failed attempts of the current step (retried with backoff)" }),
  cancelRequested: Type.Boolean(),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([
    Type.Object({
      code: Type.String(),
      message: Type.String(),
      cloudRequestId: Type.Optional(Type.String()),
      providerCode: Type.Optional(Type.String()),
    }),
    Type.Null(),
  ]),
  nextAttemptAt: Timestamp,
  deadlineAt: Type.String({
    format: "date-time",
    maxLength: 40,
    description: "The operation ends failed with code timed_out if it is still running then",
  }),
  lostLeases: Type.Integer({ description: "Times a worker died holding this operation before saving its step" }),
  approvalExpiresAt: Type.Union([Timestamp, Type.Null()], {
    description: "While awaiting approval: when the request expires",
  }),
  decision: Type.Union([
    Type.Object(
      {
        decision: Type.Union([Type.Literal("approved"), Type.Literal("rejected")]),
        byKeyId: Type.Union([Uuid, Type.Null()]),
        byName: Type.String(),
        at: Timestamp,
        reason: Type.Union([Type.String(), Type.Null()]),
      },
      { description: "The second person's decision, where the environment's policy asked for one" },
    ),
    Type.Null(),
  ]),
  createdAt: Timestamp,
  startedAt: NullableTime,
  finishedAt: NullableTime,
  updatedAt: Timestamp,
};

export const Operation = Type.Object(operationFields, { $id: "Operation" });

export const OperationWithEvents = Type.Object(
  { ...operationFields, events: Type.Array(Type.Ref("OperationEvent")) },
  { $id: "OperationWithEvents" },
);

export const DryRunResult = Type.Object(
  { dryRun: Type.Literal(true), plan: Type.Ref("OperationPlan") },
  { $id: "DryRunResult", description: "The plan, with nothing done" },
);

export const OperationListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...OPERATION_STATUSES])),
    kind: Type.Optional(Type.Enum([...OPERATION_KINDS])),
    targetResourceId: Type.Optional(Uuid),
    requestedByKeyId: Type.Optional(Uuid),
    from: Type.Optional(Type.String({ format: "date-time", maxLength: 40, description: "Created at or after" })),
    to: Type.Optional(Type.String({ format: "date-time", maxLength: 40, description: "Created before" })),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: "^[\\x21-\\x7e]+$",
      description: "Repeat a request safely: the same key and body return the same operation",
    }),
  ),
});
