import type { DashboardReads } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ActivityQuery } from "../schemas/dashboard.ts";
import { problemResponses } from "../schemas/problem.ts";

export interface ActivityRoutesOptions {
  dashboard: DashboardReads;
}

export const activityRoutes: FastifyPluginAsyncTypebox<ActivityRoutesOptions> = async (app, deps) => {
  app.get(
    "/v1/activity",
    {
      schema: {
        tags: ["dashboard"],
        operationId: "listActivity",
        summary: "Recent activity, newest first: operations, findings, syncs and health sweeps",
        description:
          "Operations requested and finished, findings opened and resolved, syncs finished, and health sweeps that " +
          "opened or resolved findings or went wrong. Page with `before`: the previous answer's `nextBefore`.",
        querystring: ActivityQuery,
        response: { 200: Type.Ref("ActivityPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, before, environmentId } = request.query;
      return deps.dashboard.activity({
        limit,
        ...(before && { before: new Date(before) }),
        ...(environmentId && { environmentId }),
      });
    },
  );
};
