import type { FastifyPluginAsync } from "fastify";
import type pg from "pg";
import { Type } from "typebox";
import { sendDatabaseUnavailable } from "../plugins/problems.ts";
import { problemResponse } from "../schemas/problem.ts";

export interface HealthRoutesOptions {
  pool: pg.Pool;
}

const READINESS_TIMEOUT_MS = 2_000;

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { pool }) => {
  app.get(
    "/healthz",
    {
      config: {
        usesDatabase: false,
        public: true,
        rateLimit: false,
      },
      schema: {
        tags: ["health"],
        operationId: "getHealth",
        summary: "Liveness: the process answers",
        response: { 200: Type.Object({ status: Type.Literal("ok"), uptimeSeconds: Type.Number() }) },
      },
    },
    async () => ({ status: "ok" as const, uptimeSeconds: Math.round(process.uptime()) }),
  );

  app.get(
    "/readyz",
    {
      config: { public: true, rateLimit: false },
      schema: {
        tags: ["health"],
        operationId: "getReadiness",
        summary: "Readiness: the database answers",
        response: {
          200: Type.Object({ status: Type.Literal("ready"), database: Type.Literal("ok"), latencyMs: Type.Number() }),
          503: problemResponse(503),
        },
      },
    },
    async (request, reply) => {
      const started = performance.now();
      try {
        await Promise.race([
          pool.query("SELECT 1"),
          new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), READINESS_TIMEOUT_MS).unref()),
        ]);
      } catch (error) {
        return sendDatabaseUnavailable(request, reply, error);
      }
      return { status: "ready" as const, database: "ok" as const, latencyMs: Math.round(performance.now() - started) };
    },
  );
};
