import type { DashboardReads } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

export interface DashboardRoutesOptions {
  dashboard: DashboardReads;
  now: () => Date;
}

export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardRoutesOptions> = async (app, deps) => {
  app.get(
    "/v1/dashboard",
    {
      schema: {
        tags: ["dashboard"],
        operationId: "getDashboard",
        summary: "The fleet overview: per environment health, open findings, running operations, memory",
        description:
          "One call for a dashboard's front page. Per environment: health (the worst open finding), open findings " +
          "by severity, open recommendations, pending and running operations, and per Auto Scaling group its " +
          "current and 24-hour peak memory from the samples health sweeps stored; and the latest sweep.",
        response: { 200: Type.Ref("FleetOverview") },
      },
    },
    async () => {
      const now = deps.now();
      return { generatedAt: now, ...(await deps.dashboard.fleetOverview(now)) };
    },
  );
};
