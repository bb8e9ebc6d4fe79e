import { CloudError, DomainError, type DomainErrorKind } from "@fastier/core";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "@fastier/db";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { problemResponses } from "../schemas/problem.ts";
import { problemForCloudError } from "./cloudProblems.ts";
import { RATE_LIMIT_HEADERS, RateLimitExceeded } from "./rateLimit.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** False for routes that never query the database (liveness): they do not declare the outage 503. */
    usesDatabase?: boolean;
  }
}

export interface ProblemField {
  in: string;
  field: string;
  rule: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: ProblemField[];
  [extra: string]: unknown;
}

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  502: "Bad Gateway",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  // Extra members first: a detail named like a standard member (e.g. a resource's `status`) must not replace it.
  const body: ProblemBody = {
    ...extra,
    type: `urn:fastier:problem:${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    instance: request.url,
    code,
    requestId: request.id,
  };
  return reply.status(status).type("application/problem+json").send(body);
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

function validationFields(error: FastifyError): ProblemField[] {
  const where = error.validationContext ?? "body";
  return ((error.validation ?? []) as AjvError[]).map((problem) => {
    let field = problem.instancePath || "";
    if (problem.keyword === "required") field += `/${String(problem.params.missingProperty)}`;
    if (problem.keyword === "additionalProperties") field += `/${String(problem.params.additionalProperty)}`;
    const message =
      problem.keyword === "additionalProperties"
        ? `unknown property ${String(problem.params.additionalProperty)}`
        : problem.keyword === "enum"
          ? `must be one of ${(problem.params.allowedValues as unknown[]).join(", ")}`
          : (problem.message ?? problem.keyword);
    return { in: where, field: field || "/", rule: problem.keyword, message };
  });
}

/** Fastify's own errors that a client can cause, with the code we answer. */
const CLIENT_ERRORS: Record<string, { status: number; code: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "malformed_json" },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "empty_body",
    detail: "the body is empty but Content-Type is application/json",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "body_too_large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    detail: "send the body as application/json",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_content_length" },
  FST_ERR_CTP_INVALID_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    detail: "send the body as application/json",
  },
};

/**
 * Any route that reads the database can meet an outage, so each declares the
 * 503 (needs the Problem schema); only routes that say they never touch it are spared.
 */
export function declareOutageResponses(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    if (route.config?.usesDatabase === false) return;
    // A copy: Fastify shares one schema object between a GET route and its HEAD twin.
    route.schema = { ...route.schema, response: { ...(route.schema?.response as object), ...problemResponses(503) } };
  });
}

/** 503 with Retry-After: the client did nothing wrong and the same request will work once the database is back. */
export function sendDatabaseUnavailable(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  request.log.warn({ err: error }, "database unavailable");
  reply.header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
  return sendProblem(
    request,
    reply,
    503,
    "database_unavailable",
    `the database is not answering; retry in ${DATABASE_RETRY_AFTER_SECONDS} s`,
  );
}

/** Every error leaves as RFC 9457 problem+json; 5xx details stay in the log. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const errors = validationFields(error);
      const detail = errors.map((e) => `${e.in} ${e.field}: ${e.message}`).join("; ");
      return sendProblem(request, reply, 400, "validation_failed", detail, { errors });
    }
    if (error instanceof DomainError) {
      const status = STATUS_OF_KIND[error.kind];
      const { problems, ...details } = error.details;
      const errors = problems?.map(({ in: where, ...p }) => ({ in: where ?? "body", ...p }));
      return sendProblem(request, reply, status, error.code, error.message, { ...details, ...(errors && { errors }) });
    }
    if (error instanceof RateLimitExceeded) {
      reply.header(RATE_LIMIT_HEADERS.retryAfter, error.retryAfterSeconds);
      reply.header(RATE_LIMIT_HEADERS.limit, error.limit);
      reply.header(RATE_LIMIT_HEADERS.remaining, 0);
      reply.header(RATE_LIMIT_HEADERS.reset, error.retryAfterSeconds);
      return sendProblem(request, reply, 429, "rate_limited", error.message, {
        limit: error.limit,
        limitedBy: error.scope,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    if (error instanceof CloudError) {
      const problem = problemForCloudError(error);
      if (problem.retryAfterSeconds) reply.header("retry-after", String(problem.retryAfterSeconds));
      return sendProblem(request, reply, problem.status, problem.code, problem.detail, problem.extra);
    }
    const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
    if (known) return sendProblem(request, reply, known.status, known.code, known.detail ?? error.message);
    if (error instanceof SyntaxError || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
      return sendProblem(request, reply, status, "bad_request", error.message);
    }
    if (isDatabaseUnavailable(error)) return sendDatabaseUnavailable(request, reply, error);
    request.log.error({ err: error }, "unhandled error");
    return sendProblem(
      request,
      reply,
      500,
      "internal_error",
      `an internal error occurred; quote request id ${request.id}`,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, "route_not_found", `no route ${request.method} ${request.url.split("?")[0]}`),
  );
}
