import { type DrDrillStore, type InventoryStore, NotFoundError, ValidationError } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, PaginationQuery } from "../schemas/common.ts";
import { DrDrillSchedule, DrObjectives } from "../schemas/drDrill.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";
import { decodeKeysetCursor } from "./cursor.ts";

export interface DrDrillRoutesOptions {
  inventory: InventoryStore;
  drills: DrDrillStore;
}

/** Drill history per database, and per environment the drill schedule and the recovery objectives. */
export const drDrillRoutes: FastifyPluginAsyncTypebox<DrDrillRoutesOptions> = async (app, deps) => {
  app.get(
    "/v1/resources/:id/dr-drills",
    {
      schema: {
        tags: ["operations"],
        operationId: "listDrDrills",
        summary: "A database's DR drills, newest first, with their measured RTO and achieved RPO",
        params: IdParams,
        querystring: Type.Object(PaginationQuery, { additionalProperties: false }),
        response: { 200: Type.Ref("DrDrillPage"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const resource = await deps.inventory.getResource(request.params.id);
      if (!resource) throw new NotFoundError("resource", request.params.id);
      if (resource.kind !== "db_instance") {
        throw new ValidationError(
          [
            {
              field: "/id",
              rule: "target_kind",
              message: `DR drills belong to DB instances, not to a ${resource.kind}`,
              in: "params",
            },
          ],
          "wrong_target_kind",
        );
      }
      const { limit = 50, cursor } = request.query;
      const after = cursor ? decodeKeysetCursor(cursor, "-requestedAt") : undefined;
      return deps.drills.list(resource.id, { limit, ...(after && { after }) });
    },
  );

  app.get(
    "/v1/environments/:id/dr-drill-schedule",
    {
      schema: {
        tags: ["operations"],
        operationId: "getDrDrillSchedule",
        summary: "The environment's DR drill schedule (disabled, every 30 days, latest point, unless set)",
        params: IdParams,
        response: { 200: DrDrillSchedule, ...problemResponses(400, 404) },
      },
    },
    async (request) => deps.drills.getSchedule(request.params.id),
  );

  app.put(
    "/v1/environments/:id/dr-drill-schedule",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["operations"],
        operationId: "setDrDrillSchedule",
        summary: "Set the DR drill schedule (admin)",
        description:
          "When enabled, the worker starts a drill (`dr_drill`) on each primary database of the environment that has " +
          "had none for `everyDays` days, once per period however many workers run.",
        params: IdParams,
        body: DrDrillSchedule,
        response: { 200: DrDrillSchedule, ...problemResponses(400, 404, 413, 415) },
      },
    },
    async (request) => deps.drills.setSchedule(request.params.id, request.body, auditContext(request)),
  );

  app.get(
    "/v1/environments/:id/dr-objectives",
    {
      schema: {
        tags: ["operations"],
        operationId: "getDrObjectives",
        summary: "The environment's recovery time and point objectives, in minutes (null: none)",
        params: IdParams,
        response: { 200: DrObjectives, ...problemResponses(400, 404) },
      },
    },
    async (request) => deps.drills.getObjectives(request.params.id),
  );

  app.put(
    "/v1/environments/:id/dr-objectives",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["operations"],
        operationId: "setDrObjectives",
        summary: "Set the recovery objectives (admin); the DR readiness report judges each database's drills by them",
        params: IdParams,
        body: DrObjectives,
        response: { 200: DrObjectives, ...problemResponses(400, 404, 413, 415) },
      },
    },
    async (request) => deps.drills.setObjectives(request.params.id, request.body, auditContext(request)),
  );
};
