import { randomUUID } from "node:crypto";
import type { Config } from "@fastier/config";
import { type CloudPort, createInventoryService, type ResolveHost, type SweepSettings } from "@fastier/core";
import {
  createApprovalPolicyStore,
  createDashboardReads,
  createDrDrillStore,
  createHealthReads,
  createInventoryStore,
  createOperationStore,
  createPrismaApiKeyStore,
  createPrismaAuditLog,
  createPrismaSyncStore,
  createWebhookStore,
  type DatabaseHandle,
} from "@fastier/db";
import { createSweepRunner, loggerOptions } from "@fastier/runtime";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { Type } from "typebox";
import { authPlugin } from "./plugins/auth.ts";
import { closingPlugin } from "./plugins/closing.ts";
import { dashboardSite } from "./plugins/dashboardSite.ts";
import { metricsPluginWithPool } from "./plugins/metrics.ts";
import { openapiPlugin } from "./plugins/openapi.ts";
import { declareOutageResponses, installProblemHandlers } from "./plugins/problems.ts";
import { rateLimitPlugin } from "./plugins/rateLimit.ts";
import { responseSerializers } from "./plugins/responseSerializers.ts";
import { installStorableInputCheck, installValidators } from "./plugins/validation.ts";
import { activityRoutes } from "./routes/activity.ts";
import { apiKeyRoutes } from "./routes/apiKeys.ts";
import { approvalRoutes } from "./routes/approvals.ts";
import { auditRoutes } from "./routes/auditEvents.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { disasterRecoveryRoutes } from "./routes/disasterRecovery.ts";
import { drDrillRoutes } from "./routes/drDrills.ts";
import { environmentRoutes } from "./routes/environments.ts";
import { findingRoutes } from "./routes/findings.ts";
import { healthRoutes } from "./routes/health.ts";
import { operationRequestRoutes } from "./routes/operationRequests.ts";
import { operationRoutes } from "./routes/operations.ts";
import { recommendationRoutes } from "./routes/recommendations.ts";
import { resourceMetricsRoutes } from "./routes/resourceMetrics.ts";
import { resourceRoutes } from "./routes/resources.ts";
import { sweepRoutes } from "./routes/sweeps.ts";
import { syncRoutes } from "./routes/syncs.ts";
import { webhookRoutes } from "./routes/webhookSubscriptions.ts";
import { ApiKey, CurrentApiKey } from "./schemas/apiKey.ts";
import { AuditEvent } from "./schemas/auditEvent.ts";
import { pageOf } from "./schemas/common.ts";
import { ActivityEntry, ActivityPage, FleetOverview, MetricSeries } from "./schemas/dashboard.ts";
import { DrDrill } from "./schemas/drDrill.ts";
import { DbSnapshot, DrReadinessReport } from "./schemas/drReadiness.ts";
import { Environment } from "./schemas/environment.ts";
import {
  AppliedRecommendation,
  Finding,
  FindingWithRecommendations,
  HealthSweep,
  Recommendation,
  RecommendationDryRun,
} from "./schemas/health.ts";
import { DryRunResult, Operation, OperationEvent, OperationPlan, OperationWithEvents } from "./schemas/operation.ts";
import { Problem } from "./schemas/problem.ts";
import { Resource } from "./schemas/resource.ts";
import { SyncRun } from "./schemas/syncRun.ts";
import { WebhookDelivery, WebhookSubscription } from "./schemas/webhook.ts";

export interface AppDependencies {
  config: Pick<Config, "logLevel" | "authCacheSeconds" | "rateLimit"> & Partial<Pick<Config, "lambda">>;
  database: DatabaseHandle;
  cloud: CloudPort;
  /** Clock for sync timestamps; the cloud's own clock under the simulator. */
  now?: () => Date;
  /** Settings of the sweeps run through `POST /v1/sweeps`; the defaults otherwise. */
  sweepSettings?: Partial<SweepSettings>;
  /** The clock webhook deliveries are due on (the worker's); the wall clock by default. */
  webhookNow?: () => Date;
  /** DNS for webhook targets; the system resolver by default. */
  resolveHost?: ResolveHost;
  /** The dashboard's built files, served at `/`; without it the app is the API alone. */
  dashboardDir?: string;
  /** Override logging (tests pass `false`). */
  logger?: FastifyServerOptions["logger"];
}

/** Largest JSON body accepted; inventory documents are small. */
export const BODY_LIMIT_BYTES = 128 * 1024;

/** A client's `x-request-id` is echoed, logged and stored (VARCHAR(128)) only when it looks like an id. */
const CLIENT_REQUEST_ID = /^[\w.:@+=-]{1,128}$/;

/** The whole API as one Fastify instance; server.ts listens with it, tests inject into it. */
export { loggerOptions };

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? (loggerOptions(deps.config.logLevel) as FastifyServerOptions["logger"]),
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    schemaController: responseSerializers,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // On Lambda every cold start would compile every route's validators; there they compile on first use.
  installValidators(app, { onFirstUse: deps.config.lambda !== undefined });
  installStorableInputCheck(app);
  installProblemHandlers(app);
  declareOutageResponses(app);
  // Bodies are JSON only: without this, Fastify's built-in text/plain parser lets a string through to validation.
  app.removeContentTypeParser("text/plain");
  // Callback style: a hook every answer passes through need not make a promise.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    done(null, payload);
  });

  for (const schema of [Problem, Environment, Resource, ApiKey, CurrentApiKey, AuditEvent, SyncRun])
    app.addSchema(schema);
  for (const schema of [OperationPlan, OperationEvent, Operation, OperationWithEvents, DryRunResult])
    app.addSchema(schema);
  app.addSchema(DrDrill);
  app.addSchema(pageOf(Type.Ref("DrDrill"), "DrDrill"));
  app.addSchema(DrReadinessReport);
  app.addSchema(DbSnapshot);
  app.addSchema(pageOf(Type.Ref("Operation"), "Operation"));
  app.addSchema(pageOf(Type.Ref("Environment"), "Environment"));
  app.addSchema(pageOf(Type.Ref("Resource"), "Resource"));
  app.addSchema(pageOf(Type.Ref("AuditEvent"), "AuditEvent"));
  for (const schema of [FleetOverview, MetricSeries, ActivityEntry, ActivityPage]) app.addSchema(schema);
  for (const schema of [Finding, Recommendation, FindingWithRecommendations, HealthSweep]) app.addSchema(schema);
  for (const schema of [RecommendationDryRun, AppliedRecommendation]) app.addSchema(schema);
  app.addSchema(pageOf(Type.Ref("Finding"), "Finding"));
  app.addSchema(pageOf(Type.Ref("Recommendation"), "Recommendation"));
  app.addSchema(pageOf(Type.Ref("HealthSweep"), "HealthSweep"));
  for (const schema of [WebhookSubscription, WebhookDelivery]) app.addSchema(schema);
  app.addSchema(pageOf(Type.Ref("WebhookSubscription"), "WebhookSubscription"));
  app.addSchema(pageOf(Type.Ref("WebhookDelivery"), "WebhookDelivery"));

  const { prisma, pool } = deps.database;
  const inventory = createInventoryStore(deps.database);
  const apiKeys = createPrismaApiKeyStore(prisma, pool);

  await app.register(closingPlugin);
  // Before auth, so that an address over its limit is turned away before its key is looked up.
  await app.register(rateLimitPlugin, deps.config.rateLimit);
  // Auth before the routes: its onRoute hook must see every route, so that none is left unguarded.
  await app.register(authPlugin, { apiKeys, cacheSeconds: deps.config.authCacheSeconds });
  await app.register(openapiPlugin);
  await app.register(metricsPluginWithPool, { pool });

  await app.register(healthRoutes, { pool });
  await app.register(environmentRoutes, { inventory });
  await app.register(resourceRoutes, { inventory, service: createInventoryService(inventory) });
  await app.register(apiKeyRoutes, { apiKeys });
  await app.register(auditRoutes, { auditLog: createPrismaAuditLog(prisma) });
  const operations = createOperationStore(deps.database);
  const approvals = createApprovalPolicyStore(prisma);
  const now = deps.now ?? (() => new Date());
  await app.register(operationRequestRoutes, { inventory, operations, approvals, cloud: deps.cloud, now });
  await app.register(operationRoutes, { operations, now });
  await app.register(approvalRoutes, { operations, approvals, now });
  const drills = createDrDrillStore(prisma);
  await app.register(disasterRecoveryRoutes, { inventory, drills, cloud: deps.cloud, now });
  await app.register(drDrillRoutes, { inventory, drills });
  await app.register(syncRoutes, { cloud: deps.cloud, inventory, syncs: createPrismaSyncStore(deps.database), now });
  const dashboard = createDashboardReads(deps.database);
  await app.register(dashboardRoutes, { dashboard, now });
  await app.register(resourceMetricsRoutes, { inventory, dashboard, now });
  await app.register(activityRoutes, { dashboard });
  const health = createHealthReads(deps.database);
  await app.register(findingRoutes, { health });
  await app.register(recommendationRoutes, { health, inventory, operations, approvals, cloud: deps.cloud, now });
  const sweeps = createSweepRunner({
    database: deps.database,
    cloud: deps.cloud,
    now,
    ...(deps.sweepSettings && { settings: deps.sweepSettings }),
  });
  await app.register(sweepRoutes, { health, sweeps });
  await app.register(webhookRoutes, {
    webhooks: createWebhookStore(prisma),
    ...(deps.webhookNow && { now: deps.webhookNow }),
    ...(deps.resolveHost && { resolveHost: deps.resolveHost }),
  });
  if (deps.dashboardDir) await app.register(dashboardSite, { directory: deps.dashboardDir });
  return app;
}
