import { type Actor, type ApiKeyStore, type ApiKeySummary, hashApiKey, type Role, roleAllows } from "@fastier/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { problemResponses } from "../schemas/problem.ts";
import { sendProblem } from "./problems.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Least role that may call the route; every route that is not `public` has one (default viewer). */
    minRole?: Role;
    /** Reachable without a key: health, metrics, docs. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The caller, set by the auth hook on every non-public route. */
    actor: Actor;
  }
  interface FastifyInstance {
    /** Forget cached key look-ups (after a revocation in this process). */
    forgetApiKeys(): void;
  }
}

export interface AuthOptions {
  apiKeys: ApiKeyStore;
  /** How long a key look-up is reused; a revocation elsewhere takes effect within this. */
  cacheSeconds: number;
}

const TOUCH_INTERVAL_MS = 60_000;

/**
 * `Authorization: Bearer <key>` on every route that is not marked public.
 * The route's `config.minRole` says which role it needs; the OpenAPI document
 * gets the matching security requirement and 401/403 answers.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    const cache = new Map<string, { key: ApiKeySummary | null; expires: number }>();
    const touched = new Map<string, number>();

    app.decorateRequest("actor", null as unknown as Actor);
    app.decorate("forgetApiKeys", () => cache.clear());

    app.addHook("onRoute", (route) => {
      if (route.config?.public) return;
      route.config = { ...route.config, minRole: route.config?.minRole ?? "viewer" };
      // A copy: Fastify shares one schema object between a GET route and its HEAD twin.
      const schema = { ...route.schema };
      schema.security = [{ bearerAuth: [] }];
      schema.description = `${schema.description ? `${schema.description}\n\n` : ""}Requires role: ${route.config.minRole}.`;
      schema.response = { ...(schema.response as object), ...problemResponses(401, 403) };
      route.schema = schema;
    });

    async function lookUp(key: string): Promise<ApiKeySummary | null> {
      const hash = hashApiKey(key);
      const now = Date.now();
      const hit = cache.get(hash);
      if (hit && hit.expires > now) return hit.key;
      const found = await options.apiKeys.findActiveByHash(hash);
      if (options.cacheSeconds > 0) {
        if (cache.size > 10_000) cache.clear();
        cache.set(hash, { key: found, expires: now + options.cacheSeconds * 1000 });
      }
      return found;
    }

    function noteUse(request: FastifyRequest, key: ApiKeySummary) {
      const now = Date.now();
      if ((touched.get(key.id) ?? 0) + TOUCH_INTERVAL_MS > now) return;
      touched.set(key.id, now);
      options.apiKeys
        .touch(key.id, new Date(now))
        .catch((error) => request.log.warn({ err: error }, "could not record key use"));
    }

    app.addHook("onRequest", async (request, reply) => {
      // Unknown routes answer 404 whoever asks; a route that somehow has no role needs admin (fail closed).
      if (request.routeOptions.config.public || request.is404) return;
      const minRole = request.routeOptions.config.minRole ?? "admin";
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match?.[1]) {
        reply.header("www-authenticate", 'Bearer realm="fastier"');
        return sendProblem(request, reply, 401, "missing_api_key", "send an API key as `Authorization: Bearer <key>`");
      }
      const key = await lookUp(match[1]);
      if (!key) {
        reply.header("www-authenticate", 'Bearer realm="fastier", error="invalid_token"');
        return sendProblem(request, reply, 401, "invalid_api_key", "the API key is unknown or has been revoked");
      }
      if (!roleAllows(key.role, minRole)) {
        return sendProblem(
          request,
          reply,
          403,
          "insufficient_role",
          `this needs the ${minRole} role; key ${key.prefix}… has ${key.role}`,
          { requiredRole: minRole, role: key.role },
        );
      }
      request.actor = { keyId: key.id, name: key.name, role: key.role };
      noteUse(request, key);
    });
  },
  { name: "auth" },
);
