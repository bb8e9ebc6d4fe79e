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

/**
 * The kinds' own fields plus the ones every operation request takes. Kinds that share an endpoint
 * (each on its own kind of resource) share its schema; each kind checks its own fields again.
 */
type Definition = (typeof OPERATION_DEFINITIONS)[number];

function requestBody(definitions: readonly RegisteredOperation[]): TObject {
  const fields = Object.assign({}, ...definitions.map((definition) => definition.body.properties));
  return Type.Object({ ...fields, dryRun: DryRun, timeoutMinutes: TimeoutMinutes }, { additionalProperties: false });
}

/** Kinds by endpoint: one endpoint names one action, which kinds may carry out on different resource kinds ("rollback"). */
function kindsByPath(): Map<string, Definition[]> {
  const byPath = new Map<string, Definition[]>();
  for (const definition of OPERATION_DEFINITIONS) {
    byPath.set(definition.path, [...(byPath.get(definition.path) ?? []), definition]);
  }
  return byPath;
}

/** `restore_point_in_time` → `restorePointInTime`: the OpenAPI operationId and the client's method name. */
const operationIdOf = (kind: string) => kind.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * One endpoint per operation kind (or per action several kinds share) under /v1/resources/{id}/, all from the
 * registry. Each checks and plans the request; `dryRun` answers the plan,
 * otherwise the operation is recorded and answered with 202 while the worker
 * carries it out.
 */
export const operationRequestRoutes: FastifyPluginAsyncTypebox<OperationDependencies> = async (app, deps) => {
  for (const [path, definitions] of kindsByPath()) {
    const [first] = definitions;
    if (!first) continue;
    // The route checks the role before it knows the target: kinds sharing an endpoint need the same one.
    const roles = new Set(definitions.map((definition) => definition.minRole));
    if (roles.size > 1) throw new Error(`kinds sharing /${path} need different roles: ${[...roles].join(", ")}`);
    // A kind whose fields are all optional can be asked for without a body ("roll back", in one call).
    const bodyOptional = definitions.every((definition) => {
      const required: unknown = Reflect.get(definition.body, "required");
      return !Array.isArray(required) || required.length === 0;
    });
    /** The kind for the target: the one whose resource kinds include it (an unknown target is refused by the first). */
    const kindFor = async (targetResourceId: string) => {
      if (definitions.length === 1) return first;
      const target = await deps.inventory.getResource(targetResourceId);
      return definitions.find((definition) => target && definition.targetKinds.includes(target.kind)) ?? first;
    };
    app.post(
      `/v1/resources/:id/${path}`,
      {
        config: { minRole: first.minRole },
        preValidation: async (request) => {
          if (bodyOptional && request.body === undefined) request.body = {};
        },
        schema: {
          tags: ["operations"],
          operationId: definitions.length === 1 ? operationIdOf(first.kind) : operationIdOf(path.replace(/-/g, "_")),
          summary: definitions.map((definition) => definition.summary).join("; or "),
          description: definitions
            .map(
              (definition) =>
                `${definition.description}\n\nApplies to: ${definition.targetKinds.join(", ")}. ` +
                `Deadline: ${definition.defaultTimeoutMinutes} minutes unless \`timeoutMinutes\` says otherwise.`,
            )
            .join("\n\n"),
          params: IdParams,
          headers: IdempotencyHeaders,
          body: requestBody(definitions),
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
        const definition = await kindFor(request.params.id);
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
