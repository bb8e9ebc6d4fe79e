import type { RateLimitConfig } from "@fastier/config";
import { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { problemResponses } from "../schemas/problem.ts";
import { requestWindows, type WindowState } from "./requestWindows.ts";

/** Limits count requests per minute. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** The headers a limited route answers with; named as in the OpenAPI document. */
export const RATE_LIMIT_HEADERS = {
  limit: "x-ratelimit-limit",
  remaining: "x-ratelimit-remaining",
  reset: "x-ratelimit-reset",
  retryAfter: "retry-after",
} as const;

export type RateLimitScope = "api_key" | "address";

/** Thrown by the limiter's hooks; the problem handler answers it with 429 problem+json. */
export class RateLimitExceeded extends Error {
  override name = "RateLimitExceeded";
  readonly statusCode = 429;
  constructor(
    readonly scope: RateLimitScope,
    readonly limit: number,
    /** Seconds until the window resets, at least 1. */
    readonly retryAfterSeconds: number,
  ) {
    super(
      `${scope === "api_key" ? "this API key" : "this address (without a valid API key)"} may make ${limit} requests a minute; retry in ${retryAfterSeconds} s`,
    );
  }
}

/** Keys and addresses seen within a window; the least recently counted are forgotten beyond this. */
const REMEMBERED_KEYS = 20_000;

function setLimitHeaders(reply: FastifyReply, state: WindowState) {
  reply.header(RATE_LIMIT_HEADERS.limit, state.limit);
  reply.header(RATE_LIMIT_HEADERS.remaining, state.remaining);
  reply.header(RATE_LIMIT_HEADERS.reset, state.resetSeconds);
}

/** Routes with `config: { rateLimit: false }` (the probes) are never counted nor refused. */
function isExempt(request: FastifyRequest) {
  return request.routeOptions.config.rateLimit === false;
}

/**
 * Per API key for requests with a valid key, per client address for the others
 * (public routes, unknown routes, 401s). Register it before auth:
 *
 * - onRequest, before auth: an address already over its limit is refused without
 *   looking its key up, so a flood of made-up keys costs no database queries. This
 *   also refuses that address's requests with valid keys until its window resets.
 * - preParsing, after auth has set `request.actor`: the request is counted against its
 *   key, or its address, and refused when over; a refused request never reaches its
 *   body, validation or handler, so it changes nothing.
 * - onSend: requests auth turned away (which skip preParsing) are counted by address.
 *
 * Counts are kept in this process's memory (`requestWindows`). The hooks are synchronous
 * callback hooks: they run on every request, and a promise each would cost more than the counting.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, limits: RateLimitConfig) => {
    const counted = new WeakSet<FastifyRequest>();

    // Every limited route may answer 429; documentRateLimits adds the headers to the document.
    app.addHook("onRoute", (route) => {
      if (route.config?.rateLimit === false) return;
      // A copy: Fastify shares one schema object between a GET route and its HEAD twin.
      route.schema = { ...route.schema, response: { ...(route.schema?.response as object), ...problemResponses(429) } };
    });

    const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;
    const perKey =
      limits.perKeyPerMinute > 0 ? requestWindows(limits.perKeyPerMinute, windowMs, REMEMBERED_KEYS) : null;
    const perAddress =
      limits.perAddressPerMinute > 0 ? requestWindows(limits.perAddressPerMinute, windowMs, REMEMBERED_KEYS) : null;
    const addressOf = (request: FastifyRequest) => normalizeIP(request.ip);

    app.addHook("onRequest", (request, _reply, done) => {
      if (!perAddress || isExempt(request)) return done();
      // A read, not a count: the address has used up its window when nothing remains.
      const state = perAddress.peek(addressOf(request));
      if (state.remaining > 0) return done();
      counted.add(request);
      done(new RateLimitExceeded("address", state.limit, state.resetSeconds));
    });

    app.addHook("preParsing", (request, reply, payload, done) => {
      if (isExempt(request) || counted.has(request)) return done(null, payload);
      counted.add(request);
      const scope: RateLimitScope = request.actor ? "api_key" : "address";
      const state =
        scope === "api_key" ? perKey?.count(`${request.actor.keyId}`) : perAddress?.count(addressOf(request));
      if (!state) return done(null, payload);
      if (state.exceeded) return done(new RateLimitExceeded(scope, state.limit, state.resetSeconds));
      setLimitHeaders(reply, state);
      done(null, payload);
    });

    app.addHook("onSend", (request, reply, payload, done) => {
      if (!perAddress || isExempt(request) || counted.has(request)) return done(null, payload);
      counted.add(request);
      setLimitHeaders(reply, perAddress.count(addressOf(request)));
      done(null, payload);
    });
  },
  { name: "rate-limit" },
);

/** The parts of an OpenAPI 3.1 document this touches. */
interface HeaderObject {
  description: string;
  schema: Record<string, unknown>;
}
interface ResponseObject {
  headers?: Record<string, HeaderObject | { $ref: string }>;
}
export interface OpenapiDocumentParts {
  paths?: Record<string, Record<string, { responses?: Record<string, ResponseObject | { $ref: string }> } | unknown>>;
  components?: { headers?: Record<string, unknown> } & Record<string, unknown>;
}

const HEADER_NAMES = {
  limit: "X-RateLimit-Limit",
  remaining: "X-RateLimit-Remaining",
  reset: "X-RateLimit-Reset",
  retryAfter: "Retry-After",
} as const;

/** A count of requests or seconds; no configurable limit exceeds a million. */
const count = (description: string): HeaderObject => ({
  description,
  schema: { type: "integer", format: "int32", minimum: 0, maximum: 1_000_000 },
});

const RATE_LIMIT_HEADER_OBJECTS: Record<string, HeaderObject> = {
  [HEADER_NAMES.limit]: count(
    "Requests allowed a minute: per API key, or per client address for requests without a valid key",
  ),
  [HEADER_NAMES.remaining]: count("Requests left in the current minute's window"),
  [HEADER_NAMES.reset]: count("Seconds until the current window ends and the count starts again"),
  [HEADER_NAMES.retryAfter]: count("Seconds to wait before retrying"),
};

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/**
 * The OpenAPI document's side of the limiter: every operation that can answer 429 (all
 * but the probes) declares the limit headers on its 2xx and 4xx answers, and
 * `Retry-After` on the 429. Applied to the generated document, not to the route schemas,
 * since Fastify would otherwise treat the headers as part of the response body's schema.
 */
export function documentRateLimits<T extends OpenapiDocumentParts>(document: T): T {
  const limitHeaders = {
    [HEADER_NAMES.limit]: headerRef(HEADER_NAMES.limit),
    [HEADER_NAMES.remaining]: headerRef(HEADER_NAMES.remaining),
    [HEADER_NAMES.reset]: headerRef(HEADER_NAMES.reset),
  };
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem ?? {})) {
      const responses = (operation as { responses?: Record<string, ResponseObject | { $ref: string }> } | undefined)
        ?.responses;
      if (!responses || typeof responses !== "object") continue;
      // A database outage's 503 says when to come back, limited route or not.
      const unavailable = responses["503"];
      if (unavailable && !("$ref" in unavailable)) {
        unavailable.headers = { ...unavailable.headers, [HEADER_NAMES.retryAfter]: headerRef(HEADER_NAMES.retryAfter) };
      }
      if (!("429" in responses)) continue;
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[24]/.test(status) || "$ref" in response) continue;
        response.headers = {
          ...response.headers,
          ...limitHeaders,
          ...(status === "429" && { [HEADER_NAMES.retryAfter]: headerRef(HEADER_NAMES.retryAfter) }),
        };
      }
    }
  }
  document.components = {
    ...document.components,
    headers: { ...document.components?.headers, ...RATE_LIMIT_HEADER_OBJECTS },
  };
  return document;
}
