import { type ApiKeyStore, issueApiKey, OPERATION_DEFINITIONS, ROLES, roleAllows } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { CreatedApiKey, NewApiKeyBody } from "../schemas/apiKey.ts";
import { IdParams } from "../schemas/common.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";

export interface ApiKeyRoutesOptions {
  apiKeys: ApiKeyStore;
}

export const apiKeyRoutes: FastifyPluginAsyncTypebox<ApiKeyRoutesOptions> = async (app, { apiKeys }) => {
  app.get(
    "/v1/me",
    {
      schema: {
        tags: ["api-keys"],
        operationId: "getCurrentApiKey",
        summary: "The API key this request was made with: its name, role and what it may do",
        description:
          "For clients such as the dashboard, which offer only the actions the key's role allows. " +
          "Any valid key may ask; a revoked or unknown one gets 401.",
        response: { 200: Type.Ref("CurrentApiKey") },
      },
    },
    async (request, reply) => {
      const { keyId, name, role } = request.actor;
      reply.header("cache-control", "no-store");
      return {
        id: keyId,
        name,
        role,
        actsAs: ROLES.filter((other) => roleAllows(role, other)),
        mayRequest: OPERATION_DEFINITIONS.filter((definition) => roleAllows(role, definition.minRole)).map(
          (definition) => definition.kind,
        ),
      };
    },
  );

  app.get(
    "/v1/api-keys",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["api-keys"],
        operationId: "listApiKeys",
        summary: "List API keys (the keys themselves are never shown again)",
        querystring: Type.Object(
          { includeRevoked: Type.Optional(Type.Boolean({ default: false })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref("ApiKey")) }), ...problemResponses(400) },
      },
    },
    async (request) => ({ items: await apiKeys.list(request.query.includeRevoked ?? false) }),
  );

  app.post(
    "/v1/api-keys",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["api-keys"],
        operationId: "createApiKey",
        summary: "Create an API key; the response is the only time the key is shown",
        body: NewApiKeyBody,
        response: { 201: CreatedApiKey, ...problemResponses(400, 413, 415) },
      },
    },
    async (request, reply) => {
      const issued = issueApiKey();
      const apiKey = await apiKeys.create(
        {
          name: request.body.name,
          role: request.body.role,
          prefix: issued.prefix,
          hash: issued.hash,
          createdBy: request.actor.name,
        },
        auditContext(request),
      );
      reply.header("cache-control", "no-store");
      return reply.status(201).send({ key: issued.key, apiKey });
    },
  );

  app.delete(
    "/v1/api-keys/:id",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["api-keys"],
        operationId: "revokeApiKey",
        summary: "Revoke an API key (refused for the last active admin key)",
        params: IdParams,
        response: { 200: Type.Ref("ApiKey"), ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const revoked = await apiKeys.revoke(request.params.id, auditContext(request));
      app.forgetApiKeys();
      return revoked;
    },
  );
};
