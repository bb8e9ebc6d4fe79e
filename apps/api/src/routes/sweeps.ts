import { ConflictError, type HealthReads, NotFoundError } from "@fastier/core";
import type { SweepRunner } from "@fastier/runtime";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { SweepListQuery } from "../schemas/health.ts";
import { problemResponses } from "../schemas/problem.ts";
import { decodeKeysetCursor } from "./cursor.ts";

export interface SweepRoutesOptions {
  health: HealthReads;
  sweeps: SweepRunner;
}

export const sweepRoutes: FastifyPluginAsyncTypebox<SweepRoutesOptions> = async (app, { health, sweeps }) => {
  app.get(
    "/v1/sweeps",
    {
      schema: {
        tags: ["health"],
        operationId: "listSweeps",
        summary: "Health sweeps, newest first",
        querystring: SweepListQuery,
        response: { 200: Type.Ref("HealthSweepPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filters } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "-startedAt") : undefined;
      return health.listSweeps({ ...filters, limit, ...(after && { after }) });
    },
  );

  app.get(
    "/v1/sweeps/:id",
    {
      schema: {
        tags: ["health"],
        operationId: "getSweep",
        summary: "A health sweep with its numbers and errors",
        params: IdParams,
        response: { 200: Type.Ref("HealthSweep"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const sweep = await health.getSweep(request.params.id);
      if (!sweep) throw new NotFoundError("sweep", request.params.id);
      return sweep;
    },
  );

  app.post(
    "/v1/sweeps",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["health"],
        operationId: "runSweep",
        summary: "Run a health sweep now and answer when it has finished",
        description:
          "Reads CloudWatch for every Auto Scaling group, instance and DB instance, runs the rules, and opens, " +
          "updates or resolves findings and their recommendations, as the worker's scheduled sweep does. One sweep " +
          "runs at a time across all processes: 409 while another holds the lock.",
        response: { 201: Type.Ref("HealthSweep"), ...problemResponses(409) },
      },
    },
    async (_request, reply) => {
      const sweep = await sweeps.sweepOnce("api");
      if (!sweep) {
        throw new ConflictError(
          "sweep_in_progress",
          "another health sweep is running; see GET /v1/sweeps?status=running",
        );
      }
      reply.header("location", `/v1/sweeps/${sweep.id}`);
      return reply.status(201).send(sweep);
    },
  );
};
