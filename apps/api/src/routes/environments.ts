import { type InventoryStore, NotFoundError } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, IfMatchHeaders, PaginationQuery } from "../schemas/common.ts";
import { EnvironmentPatchBody, NewEnvironmentBody } from "../schemas/environment.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";
import { decodeKeysetCursor } from "./cursor.ts";
import { setEtag, versionFromIfMatch } from "./etag.ts";

export interface EnvironmentRoutesOptions {
  inventory: InventoryStore;
}

const EnvironmentRef = Type.Ref("Environment");

export const environmentRoutes: FastifyPluginAsyncTypebox<EnvironmentRoutesOptions> = async (app, { inventory }) => {
  app.get(
    "/v1/environments",
    {
      schema: {
        tags: ["environments"],
        operationId: "listEnvironments",
        summary: "List environments by name",
        querystring: Type.Object(PaginationQuery, { additionalProperties: false }),
        response: { 200: Type.Ref("EnvironmentPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor } = request.query;
      return inventory.listEnvironments({ limit, ...(cursor && { after: decodeKeysetCursor(cursor, "name") }) });
    },
  );

  app.post(
    "/v1/environments",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["environments"],
        operationId: "createEnvironment",
        summary: "Create an environment",
        body: NewEnvironmentBody,
        response: { 201: EnvironmentRef, ...problemResponses(400, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const created = await inventory.createEnvironment(request.body, auditContext(request));
      setEtag(reply, created.version);
      reply.header("location", `/v1/environments/${created.id}`);
      return reply.status(201).send(created);
    },
  );

  app.get(
    "/v1/environments/:id",
    {
      schema: {
        tags: ["environments"],
        operationId: "getEnvironment",
        summary: "Get an environment",
        params: IdParams,
        response: { 200: EnvironmentRef, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const environment = await inventory.getEnvironment(request.params.id);
      if (!environment) throw new NotFoundError("environment", request.params.id);
      setEtag(reply, environment.version);
      return environment;
    },
  );

  app.patch(
    "/v1/environments/:id",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["environments"],
        operationId: "updateEnvironment",
        summary: "Change an environment (send If-Match to guard against concurrent changes)",
        params: IdParams,
        headers: IfMatchHeaders,
        body: EnvironmentPatchBody,
        response: { 200: EnvironmentRef, ...problemResponses(400, 404, 409, 412, 413, 415) },
      },
    },
    async (request, reply) => {
      const expected = versionFromIfMatch(request.headers["if-match"]);
      const updated = await inventory.updateEnvironment(
        request.params.id,
        expected,
        request.body,
        auditContext(request),
      );
      setEtag(reply, updated.version);
      return updated;
    },
  );

  app.delete(
    "/v1/environments/:id",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["environments"],
        operationId: "deleteEnvironment",
        summary: "Delete an environment that has no resources",
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const expected = versionFromIfMatch(request.headers["if-match"]);
      await inventory.deleteEnvironment(request.params.id, expected, auditContext(request));
      return reply.status(204).send(null);
    },
  );
};
