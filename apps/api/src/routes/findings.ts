import { type HealthReads, NotFoundError } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { FindingListQuery } from "../schemas/health.ts";
import { problemResponses } from "../schemas/problem.ts";
import { decodeKeysetCursor } from "./cursor.ts";

export interface FindingRoutesOptions {
  health: HealthReads;
}

export const findingRoutes: FastifyPluginAsyncTypebox<FindingRoutesOptions> = async (app, { health }) => {
  app.get(
    "/v1/findings",
    {
      schema: {
        tags: ["health"],
        operationId: "listFindings",
        summary: "Findings of the health sweeps, newest first",
        querystring: FindingListQuery,
        response: { 200: Type.Ref("FindingPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, rule, ...filters } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "-openedAt") : undefined;
      return health.listFindings({ ...filters, ...(rule && { ruleId: rule }), limit, ...(after && { after }) });
    },
  );

  app.get(
    "/v1/findings/:id",
    {
      schema: {
        tags: ["health"],
        operationId: "getFinding",
        summary: "A finding with every recommendation made for it",
        params: IdParams,
        response: { 200: Type.Ref("FindingWithRecommendations"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const finding = await health.getFinding(request.params.id);
      if (!finding) throw new NotFoundError("finding", request.params.id);
      return { ...finding, recommendations: await health.recommendationsOfFinding(finding.id) };
    },
  );
};
