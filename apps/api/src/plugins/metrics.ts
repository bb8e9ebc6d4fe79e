import type { FastifyInstance } from "fastify";
import metricsPlugin from "fastify-metrics";
import fp from "fastify-plugin";
import type pg from "pg";
import promClient from "prom-client";

export interface MetricsOptions {
  pool: pg.Pool;
}

/**
 * Prometheus metrics on a registry of this app's own (several apps can live in
 * one process, as in tests): request count and latency by route, Node.js
 * process metrics, and the database pool.
 */
export const metricsPluginWithPool = fp(
  async (app: FastifyInstance, options: MetricsOptions) => {
    const registry = new promClient.Registry();
    await app.register(metricsPlugin, {
      endpoint: null,
      defaultMetrics: { enabled: true, register: registry },
      routeMetrics: {
        enabled: { histogram: true, summary: false },
        routeBlacklist: ["/metrics"],
        overrides: {
          // The library builds the summary even when disabled; keep it off the global registry.
          summary: { registers: [registry] },
          histogram: {
            name: "http_request_duration_seconds",
            registers: [registry],
            buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          },
        },
      },
    });
    const poolGauge = (name: string, help: string, read: () => number) =>
      new promClient.Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    poolGauge("db_pool_connections_total", "Connections open in the database pool", () => options.pool.totalCount);
    poolGauge("db_pool_connections_idle", "Idle connections in the database pool", () => options.pool.idleCount);
    poolGauge("db_pool_requests_waiting", "Queries waiting for a pool connection", () => options.pool.waitingCount);

    app.get(
      "/metrics",
      { schema: { hide: true }, config: { public: true, rateLimit: false } },
      async (_request, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: "metrics" },
);
