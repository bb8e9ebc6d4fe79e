import {
  APPROVAL_EXPIRY_MINUTES,
  type ApprovalPolicyStore,
  decideApproval,
  OPERATION_KINDS,
  type OperationStore,
} from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";

export interface ApprovalRoutesOptions {
  operations: OperationStore;
  approvals: ApprovalPolicyStore;
  now: () => Date;
}

const ApprovalPolicy = Type.Object(
  {
    kinds: Type.Array(Type.Enum([...OPERATION_KINDS]), {
      maxItems: OPERATION_KINDS.length,
      uniqueItems: true,
      description: "Operation kinds that need a second person's approval here; empty for none",
    }),
    expiresAfterMinutes: Type.Integer({
      format: "int32",
      ...APPROVAL_EXPIRY_MINUTES,
      description: "How long a request waits for a decision before it expires",
    }),
  },
  { additionalProperties: false },
);

const DecisionReason = Type.String({ minLength: 1, maxLength: 500 });

/**
 * The two-person rule: an environment's policy names the kinds that need
 * approval; such an operation waits as `awaiting_approval` (holding its
 * target's lock) until someone else approves or rejects it, or it expires.
 */
export const approvalRoutes: FastifyPluginAsyncTypebox<ApprovalRoutesOptions> = async (app, deps) => {
  app.get(
    "/v1/environments/:id/approval-policy",
    {
      schema: {
        tags: ["approvals"],
        operationId: "getApprovalPolicy",
        summary: "The environment's approval policy: which operation kinds need a second person",
        params: IdParams,
        response: { 200: ApprovalPolicy, ...problemResponses(400, 404) },
      },
    },
    async (request) => deps.approvals.get(request.params.id),
  );

  app.put(
    "/v1/environments/:id/approval-policy",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["approvals"],
        operationId: "setApprovalPolicy",
        summary: "Set which operation kinds need approval (admin)",
        description:
          "Applies to operations requested from now on. A sensible production policy: " +
          '`{"kinds":["promote_replica","restore_point_in_time"],"expiresAfterMinutes":240}`.',
        params: IdParams,
        body: ApprovalPolicy,
        response: { 200: ApprovalPolicy, ...problemResponses(400, 404, 413, 415) },
      },
    },
    async (request) => deps.approvals.set(request.params.id, request.body, auditContext(request)),
  );

  for (const decision of ["approved", "rejected"] as const) {
    const verb = decision === "approved" ? "approve" : "reject";
    app.post(
      `/v1/operations/:id/${verb}`,
      {
        // The kind's own role is checked in the core; a viewer never decides.
        config: { minRole: "operator" },
        schema: {
          tags: ["approvals"],
          operationId: `${verb}Operation`,
          summary:
            decision === "approved"
              ? "Approve an operation awaiting approval: it starts, its deadline counted from now"
              : "Reject an operation awaiting approval: it ends and nothing is done in the cloud",
          description:
            "By a key with at least the kind's role that is not the requester's (403 otherwise). Of two " +
            "decisions at once, one wins; the other gets 409 not_awaiting_approval.",
          params: IdParams,
          body: Type.Object(
            { reason: decision === "approved" ? Type.Optional(DecisionReason) : DecisionReason },
            { additionalProperties: false },
          ),
          response: { 200: Type.Ref("Operation"), ...problemResponses(400, 403, 404, 409, 413, 415) },
        },
      },
      async (request) =>
        decideApproval(deps, request.params.id, decision, request.body.reason ?? null, auditContext(request)),
    );
  }
};
