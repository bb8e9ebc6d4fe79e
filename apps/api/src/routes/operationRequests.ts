import { OPERATION_DEFINITIONS, type OperationDependencies, requestOperation } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { IdempotencyHeaders } from "../schemas/operation.ts";
import { OPERATION_ROUTES } from "../schemas/operationRequests.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";

/**
 * One endpoint per operation kind under /v1/resources/{id}/. Each checks and
 * plans the request; `dryRun` answers the plan, otherwise the operation is
 * recorded and answered with 202 while the worker carries it out.
 */
export const operationRequestRoutes: FastifyPluginAsyncTypebox<OperationDependencies> = async (app, deps) => {
  for (const route of OPERATION_ROUTES) {
    const definition = OPERATION_DEFINITIONS[route.kind];
    if (!definition) continue;
    app.post(
      `/v1/resources/:id/${route.path}`,
      {
        config: { minRole: definition.minRole },
        schema: {
          tags: ["operations"],
          operationId: route.kind.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
          summary: route.summary,
          description: `${route.description}\n\nApplies to: ${definition.targetKinds.join(", ")}.`,
          params: IdParams,
          headers: IdempotencyHeaders,
          body: route.body,
          response: {
            200: Type.Ref("DryRunResult"),
            202: Type.Ref("Operation"),
            ...problemResponses(400, 404, 409, 413, 415, 422, 503),
          },
        },
      },
      async (request, reply) => {
        const { dryRun = false, ...params } = request.body as Record<string, unknown> & { dryRun?: boolean };
        const result = await requestOperation(
          deps,
          {
            kind: route.kind,
            targetResourceId: request.params.id,
            params,
            dryRun,
            idempotencyKey: request.headers["idempotency-key"] ?? null,
          },
          auditContext(request),
        );
        if (result.dryRun) return reply.status(200).send(result);
        reply.header("location", `/v1/operations/${result.operation.id}`);
        if (!result.created) reply.header("idempotent-replayed", "true");
        return reply.status(202).send(result.operation);
      },
    );
  }
};
