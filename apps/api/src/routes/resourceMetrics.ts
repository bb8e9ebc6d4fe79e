import { type DashboardReads, type InventoryStore, NotFoundError, planMetricSeries } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { MetricSeriesQuery } from "../schemas/dashboard.ts";
import { problemResponses } from "../schemas/problem.ts";

export interface ResourceMetricsRoutesOptions {
  inventory: InventoryStore;
  dashboard: DashboardReads;
  now: () => Date;
}

export const resourceMetricsRoutes: FastifyPluginAsyncTypebox<ResourceMetricsRoutesOptions> = async (app, deps) => {
  app.get(
    "/v1/resources/:id/metrics",
    {
      schema: {
        tags: ["dashboard"],
        operationId: "getResourceMetrics",
        summary: "A metric of a resource over time, for charts, from the samples health sweeps stored",
        description:
          "Stored samples of one series (5-minute, or 1-minute for ReplicaLag) aggregated into buckets of `period` " +
          "seconds that start at multiples of it: the maximum of the Maximum samples, the minimum of the Minimum " +
          "ones, the mean of the Average ones. At most 14 days and 2,000 buckets per call.",
        params: IdParams,
        querystring: MetricSeriesQuery,
        response: { 200: Type.Ref("MetricSeries"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const resource = await deps.inventory.getResource(request.params.id);
      if (!resource) throw new NotFoundError("resource", request.params.id);
      const { name, stat, from, to, period } = request.query;
      const query = planMetricSeries(
        resource,
        {
          name,
          ...(stat && { stat }),
          ...(from && { from: new Date(from) }),
          ...(to && { to: new Date(to) }),
          ...(period !== undefined && { period }),
        },
        deps.now(),
      );
      const points = await deps.dashboard.metricSeries(query);
      return {
        resourceId: resource.id,
        metric: query.metric,
        stat: query.stat,
        period: query.period,
        from: query.from,
        to: query.to,
        points,
      };
    },
  );
};
