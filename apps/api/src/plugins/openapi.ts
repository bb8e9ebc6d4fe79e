import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { documentRateLimits, type OpenapiDocumentParts } from "./rateLimit.ts";

export const API_VERSION = "0.1.0";

/**
 * The API serves its own document, so "/" is whichever deployment (local, staging, production) served it.
 * `x-internal`: its audience is Fastier's own engineers and tools, not the public.
 */
const SERVER = {
  url: "/",
  description: "The deployment that served this document (local, staging or production)",
  "x-internal": true,
};

/**
 * The OpenAPI 3.1 document is built from the route schemas alone; shared
 * schemas registered with `addSchema` become named components.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Fastier Control Plane API",
          version: API_VERSION,
          description:
            "Inventory, operations and health of Fastier's AWS architecture. Errors are RFC 9457 problem+json.",
        },
        servers: [SERVER],
        components: {
          securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API key (fcp_…)" } },
        },
        tags: [
          {
            name: "health",
            description:
              "Liveness, readiness and metrics of the control plane; health sweeps of Fastier's architecture " +
              "(findings, recommendations and applying them, sweep runs)",
          },
          { name: "environments", description: "Environments of the inventory" },
          { name: "resources", description: "Cloud resources of the inventory" },
          { name: "api-keys", description: "API keys and roles" },
          { name: "operations", description: "Scaling, deployment and disaster recovery, run by the worker" },
          {
            name: "approvals",
            description: "The two-person rule: per-environment policies, approving and rejecting operations",
          },
          { name: "audit", description: "Who changed what" },
          { name: "dashboard", description: "Fleet overview, metric series for charts and recent activity" },
          {
            name: "webhooks",
            description:
              "Signed webhooks (and Slack) for findings, operation outcomes, approvals and failed syncs or sweeps",
          },
        ],
      },
      transformObject: (document) =>
        "openapiObject" in document
          ? documentRateLimits(document.openapiObject as OpenapiDocumentParts)
          : document.swaggerObject,
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, index) => (json.$id as string | undefined) ?? `def-${index}`,
      },
    });
    await app.register(async (docs) => {
      // The UI's own routes (HTML, scripts) are public like the document they show.
      docs.addHook("onRoute", (route) => {
        route.config = { ...route.config, public: true };
      });
      await docs.register(swaggerUi, { routePrefix: "/docs", uiConfig: { deepLinking: true }, staticCSP: true });
    });
    app.get("/openapi.json", { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
