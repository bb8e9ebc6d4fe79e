// AWS Lambda entry point of the API, behind an API Gateway HTTP API (payload format 2.0).
// The same app as server.ts, adapted by @fastify/aws-lambda; built once per container.

import { fileURLToPath } from "node:url";
import { loadConfig } from "@fastier/config";
import { createLogger, lazily, openLambdaRuntime } from "@fastier/runtime";
import awsLambdaFastify, { type LambdaResponse } from "@fastify/aws-lambda";
import { isDashboardBuilt } from "./plugins/dashboardSite.ts";
import { buildAppOn } from "./startApi.ts";

/** `npm run build:lambda` copies the built dashboard beside the bundle, so the API serves it at `/`. */
const BUNDLED_DASHBOARD_DIR = fileURLToPath(new URL("./web/", import.meta.url));

/** The parts of an API Gateway HTTP API (payload 2.0) event the adapter reads. */
export interface HttpApiEvent {
  version: "2.0";
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { requestId?: string; http: { method: string; path?: string; sourceIp?: string } };
}

/** The parts of the Lambda context used here (the adapter passes it through untouched). */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

// Container-wide: the config, the pool, the cloud and the app are made on the first
// invocation and reused by every later one; nothing is opened per request.
const proxy = lazily(async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await openLambdaRuntime(config, log);
  try {
    const app = await buildAppOn(
      runtime,
      config,
      isDashboardBuilt(BUNDLED_DASHBOARD_DIR) ? { dashboardDir: BUNDLED_DASHBOARD_DIR } : {},
    );
    // The adapter decorates the app, so it must come before ready().
    const handle = awsLambdaFastify<HttpApiEvent>(app, {
      decorateRequest: false,
      // `?namePrefix=a,b` stays the string "a,b", as on the listening server.
      parseCommaSeparatedQueryParams: false,
      binaryMimeTypes: ["image/png", "image/x-icon"],
    });
    await app.ready();
    return handle;
  } catch (error) {
    await runtime.close();
    throw error;
  }
});

export async function handler(event: HttpApiEvent, context: LambdaContext): Promise<LambdaResponse> {
  const handle = await proxy();
  return handle(event, context);
}
