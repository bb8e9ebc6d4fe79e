import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type pg from "pg";
import promClient from "prom-client";

export interface MetricsOptions {
  pool: pg.Pool;
}

const METRICS_PATH = "/metrics";
const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Prometheus metrics on a registry of this app's own (several apps can live in
 * one process, as in tests): request count and latency by route, Node.js
 * process metrics, and the database pool.
 *
 * The latency histogram is fed by one synchronous onResponse hook from Fastify's own
 * `reply.elapsedTime`, through the histogram's child for that method, route and status,
 * made once and reused: no timer closure or label object per request, and prom-client
 * does not hash the labels again on every observation.
 */
export const metricsPluginWithPool = fp(
  async (app: FastifyInstance, options: MetricsOptions) => {
    const registry = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: registry });
    const duration = new promClient.Histogram({
      name: "http_request_duration_seconds",
      help: "request duration in seconds",
      labelNames: ["method", "route", "status_code"],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    const children = new Map<string, promClient.Histogram.Internal<"method" | "route" | "status_code">>();

    app.addHook("onResponse", (request, reply, done) => {
      const route = request.routeOptions.url;
      // Unknown addresses are not routes: counting them by URL would let anyone grow the label set.
      if (request.is404 || route === undefined || route === METRICS_PATH) return done();
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels({ method: request.method, route, status_code: reply.statusCode });
        children.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
      done();
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
      METRICS_PATH,
      { schema: { hide: true }, config: { public: true, rateLimit: false } },
      async (_request, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: "metrics" },
);
