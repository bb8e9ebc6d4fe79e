import { NotFoundError, type SyncDependencies, syncEnvironment } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";

export type SyncRoutesOptions = SyncDependencies;

const SyncRunRef = Type.Ref("SyncRun");

export const syncRoutes: FastifyPluginAsyncTypebox<SyncRoutesOptions> = async (app, deps) => {
  app.post(
    "/v1/environments/:id/sync",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["environments"],
        operationId: "syncEnvironment",
        summary: "Sync the environment's inventory from the cloud now",
        description:
          "Discovers every resource in the configured cloud and region, creates what is new, records drift " +
          "(changes made outside the control plane) as audit events, and marks vanished resources gone. " +
          "All or nothing: a run that fails applies nothing and says why.",
        params: IdParams,
        response: { 200: SyncRunRef, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => syncEnvironment(deps, request.params.id, "api", auditContext(request)),
  );

  app.get(
    "/v1/environments/:id/syncs",
    {
      schema: {
        tags: ["environments"],
        operationId: "listEnvironmentSyncs",
        summary: "Recent sync runs of the environment, newest first",
        params: IdParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ format: "int32", minimum: 1, maximum: 200, default: 20 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SyncRunRef) }), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const environment = await deps.inventory.getEnvironment(request.params.id);
      if (!environment) throw new NotFoundError("environment", request.params.id);
      return { items: await deps.syncs.listRuns(request.params.id, request.query.limit ?? 20) };
    },
  );
};
