import {
  OPERATION_DEFINITIONS,
  type OperationDependencies,
  type RegisteredOperation,
  requestOperation,
  TIMEOUT_MINUTES,
} from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type TObject, Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { IdempotencyHeaders } from "../schemas/operation.ts";
import { problemResponses } from "../schemas/problem.ts";
import { auditContext } from "./auditContext.ts";

const DryRun = Type.Optional(Type.Boolean({ description: "Only plan: answer the plan and change nothing" }));
const TimeoutMinutes = Type.Optional(
  Type.Integer({
    format: "int32",
    ...TIMEOUT_MINUTES,
    description: "End the operation timed_out if it has not ended after this many minutes (default: the kind's)",
  }),
);

/** The kind's own fields plus the ones every operation request takes. */
function requestBody(definition: RegisteredOperation): TObject {
  return Type.Object(
    { ...definition.body.properties, dryRun: DryRun, timeoutMinutes: TimeoutMinutes },
    { additionalProperties: false },
  );
}

/** `restore_point_in_time` → `restorePointInTime`: the OpenAPI operationId and the client's method name. */
const operationIdOf = (kind: string) => kind.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * One endpoint per operation kind under /v1/resources/{id}/, all from the
 * registry. Each checks and plans the request; `dryRun` answers the plan,
 * otherwise the operation is recorded and answered with 202 while the worker
 * carries it out.
 */
export const operationRequestRoutes: FastifyPluginAsyncTypebox<OperationDependencies> = async (app, deps) => {
  for (const definition of OPERATION_DEFINITIONS) {
    // A kind whose fields are all optional can be asked for without a body ("roll back", in one call).
    const required: unknown = Reflect.get(definition.body, "required");
    const bodyOptional = !Array.isArray(required) || required.length === 0;
    app.post(
      `/v1/resources/:id/${definition.path}`,
      {
        config: { minRole: definition.minRole },
        preValidation: async (request) => {
          if (bodyOptional && request.body === undefined) request.body = {};
        },
        schema: {
          tags: ["operations"],
          operationId: operationIdOf(definition.kind),
          summary: definition.summary,
          description:
            `${definition.description}\n\nApplies to: ${definition.targetKinds.join(", ")}. ` +
            `Deadline: ${definition.defaultTimeoutMinutes} minutes unless \`timeoutMinutes\` says otherwise.`,
          params: IdParams,
          headers: IdempotencyHeaders,
          body: requestBody(definition),
          response: {
            200: Type.Ref("DryRunResult"),
            202: Type.Ref("Operation"),
            ...problemResponses(400, 404, 409, 413, 415, 422, 503),
          },
        },
      },
      async (request, reply) => {
        const {
          dryRun = false,
          timeoutMinutes,
          ...params
        } = request.body as Record<string, unknown> & { dryRun?: boolean; timeoutMinutes?: number };
        const result = await requestOperation(
          deps,
          {
            kind: definition.kind,
            targetResourceId: request.params.id,
            params,
            dryRun,
            idempotencyKey: request.headers["idempotency-key"] ?? null,
            ...(timeoutMinutes !== undefined && { timeoutMinutes }),
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
