import {
  applyRecommendation,
  dismissRecommendation,
  type HealthReads,
  NotFoundError,
  type OperationDependencies,
} from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { ApplyRecommendationBody, DismissRecommendationBody, RecommendationListQuery } from "../schemas/health.ts";
import { IdempotencyHeaders } from "../schemas/operation.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";
import { decodeKeysetCursor } from "./cursor.ts";

export interface RecommendationRoutesOptions extends OperationDependencies {
  health: HealthReads;
}

const RecommendationRef = Type.Ref("Recommendation");

export const recommendationRoutes: FastifyPluginAsyncTypebox<RecommendationRoutesOptions> = async (app, deps) => {
  const { health } = deps;

  app.get(
    "/v1/recommendations",
    {
      schema: {
        tags: ["health"],
        operationId: "listRecommendations",
        summary: "Recommendations of the health sweeps, newest first",
        querystring: RecommendationListQuery,
        response: { 200: Type.Ref("RecommendationPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filters } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "-createdAt") : undefined;
      return health.listRecommendations({ ...filters, limit, ...(after && { after }) });
    },
  );

  app.get(
    "/v1/recommendations/:id",
    {
      schema: {
        tags: ["health"],
        operationId: "getRecommendation",
        summary: "A recommendation",
        params: IdParams,
        response: { 200: RecommendationRef, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const recommendation = await health.getRecommendation(request.params.id);
      if (!recommendation) throw new NotFoundError("recommendation", request.params.id);
      return recommendation;
    },
  );

  app.post(
    "/v1/recommendations/:id/apply",
    {
      config: { minRole: "operator" },
      // The body is optional: no body is the same as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ["health"],
        operationId: "applyRecommendation",
        summary: "Carry out an open recommendation by requesting its operation",
        description:
          "Requests the operation in the recommendation's `apply` (e.g. scale to 3) on its resource, as the " +
          "operation endpoints do, and marks the recommendation applied. `dryRun: true` answers the plan and " +
          "changes nothing. The Idempotency-Key defaults to one per recommendation, so an apply retried after " +
          "failing half-way gets the operation it already recorded, never a second one. 409 when it is not open (applied, dismissed, superseded) or another operation holds " +
          "the resource; 422 when it has no operation and must be carried out by hand. The body may be omitted " +
          "(the same as `{}`).",
        params: IdParams,
        headers: IdempotencyHeaders,
        body: ApplyRecommendationBody,
        response: {
          200: Type.Ref("RecommendationDryRun"),
          202: Type.Ref("AppliedRecommendation"),
          ...problemResponses(400, 404, 409, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const result = await applyRecommendation(
        deps,
        request.params.id,
        { dryRun: request.body?.dryRun ?? false, idempotencyKey: request.headers["idempotency-key"] ?? null },
        auditContext(request),
      );
      if (result.dryRun) {
        return reply.status(200).send({ dryRun: true, plan: result.plan, recommendation: result.recommendation });
      }
      reply.header("location", `/v1/operations/${result.operation.id}`);
      if (!result.created) reply.header("idempotent-replayed", "true");
      return reply.status(202).send({ operation: result.operation, recommendation: result.recommendation });
    },
  );

  app.post(
    "/v1/recommendations/:id/dismiss",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["health"],
        operationId: "dismissRecommendation",
        summary: "Decide against an open recommendation, with a reason",
        description:
          "It stays current while its finding is open, so sweeps do not propose it again. 409 when it is not open.",
        params: IdParams,
        body: DismissRecommendationBody,
        response: { 200: RecommendationRef, ...problemResponses(400, 404, 409, 413, 415) },
      },
    },
    async (request) =>
      dismissRecommendation({ health, now: deps.now }, request.params.id, request.body.reason, auditContext(request)),
  );
};
