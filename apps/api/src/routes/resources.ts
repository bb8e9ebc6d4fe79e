import { type InventoryService, type InventoryStore, NotFoundError } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, IfMatchHeaders } from "../schemas/common.ts";
import { problemResponses } from "../schemas/problem.ts";
import { NewResourceBody, ResourceListQuery, ResourcePatchBody } from "../schemas/resource.ts";
import { auditContext } from "./auditContext.ts";
import { decodeKeysetCursor } from "./cursor.ts";
import { setEtag, versionFromIfMatch } from "./etag.ts";
import { newResourceFromBody, parseTagFilter, resourcePatchFromBody } from "./resourceInput.ts";

export interface ResourceRoutesOptions {
  inventory: InventoryStore;
  service: InventoryService;
}

const ResourceRef = Type.Ref("Resource");

export const resourceRoutes: FastifyPluginAsyncTypebox<ResourceRoutesOptions> = async (app, { inventory, service }) => {
  app.get(
    "/v1/resources",
    {
      schema: {
        tags: ["resources"],
        operationId: "listResources",
        summary: "List resources, filtered and sorted, a page at a time",
        querystring: ResourceListQuery,
        response: { 200: Type.Ref("ResourcePage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, sort = "name", tag, ...filters } = request.query;
      const tagFilter = parseTagFilter(tag);
      return inventory.listResources({
        ...filters,
        ...(tagFilter && { tag: tagFilter }),
        sort,
        limit,
        ...(cursor && { after: decodeKeysetCursor(cursor, sort) }),
      });
    },
  );

  app.post(
    "/v1/resources",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["resources"],
        operationId: "createResource",
        summary: "Add a resource to an environment",
        body: NewResourceBody,
        response: { 201: ResourceRef, ...problemResponses(400, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const created = await service.createResource(newResourceFromBody(request.body), auditContext(request));
      setEtag(reply, created.version);
      reply.header("location", `/v1/resources/${created.id}`);
      return reply.status(201).send(created);
    },
  );

  app.get(
    "/v1/resources/:id",
    {
      schema: {
        tags: ["resources"],
        operationId: "getResource",
        summary: "Get a resource",
        params: IdParams,
        response: { 200: ResourceRef, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const resource = await inventory.getResource(request.params.id);
      if (!resource) throw new NotFoundError("resource", request.params.id);
      setEtag(reply, resource.version);
      return resource;
    },
  );

  app.patch(
    "/v1/resources/:id",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["resources"],
        operationId: "updateResource",
        summary: "Change a resource (send If-Match to guard against concurrent changes)",
        params: IdParams,
        headers: IfMatchHeaders,
        body: ResourcePatchBody,
        response: { 200: ResourceRef, ...problemResponses(400, 404, 409, 412, 413, 415) },
      },
    },
    async (request, reply) => {
      const expected = versionFromIfMatch(request.headers["if-match"]);
      const updated = await service.updateResource(
        request.params.id,
        expected,
        resourcePatchFromBody(request.body),
        auditContext(request),
      );
      setEtag(reply, updated.version);
      return updated;
    },
  );

  app.delete(
    "/v1/resources/:id",
    {
      config: { minRole: "operator" },
      schema: {
        tags: ["resources"],
        operationId: "deleteResource",
        summary: "Remove a resource from the inventory (the cloud resource is not touched)",
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 404, 412) },
      },
    },
    async (request, reply) => {
      const expected = versionFromIfMatch(request.headers["if-match"]);
      await inventory.deleteResource(request.params.id, expected, auditContext(request));
      return reply.status(204).send(null);
    },
  );
};
