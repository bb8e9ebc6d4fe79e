import createClient, { type Client, type Middleware } from "openapi-fetch";
import { QUERY_VALUES } from "./queryValues.ts";
import type { paths } from "./schema.ts";

export type { components, operations, paths } from "./schema.ts";

export interface FastierClientOptions {
  /** Where the API is served, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API key (`fcp_…`); its role decides what the client may do. */
  apiKey: string;
  /** A fetch to use instead of the global one (tests, proxies, retries). */
  fetch?: (request: Request) => Promise<Response>;
}

export type FastierClient = Client<paths>;

/** A client typed from the API's OpenAPI document; every request carries the API key. */
export function createFastierClient(options: FastierClientOptions): FastierClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch && { fetch: options.fetch }),
  });
  // A middleware rather than default headers, so no per-request header can drop the key.
  const bearer: Middleware = {
    onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${options.apiKey}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
}

/** The values each list filter accepts, as the OpenAPI document lists them: for pickers in a UI. */
export const FILTER_VALUES = {
  findingStatus: QUERY_VALUES["/v1/findings"].status,
  findingSeverity: QUERY_VALUES["/v1/findings"].severity,
  findingRule: QUERY_VALUES["/v1/findings"].rule,
  recommendationStatus: QUERY_VALUES["/v1/recommendations"].status,
  recommendationKind: QUERY_VALUES["/v1/recommendations"].kind,
  operationStatus: QUERY_VALUES["/v1/operations"].status,
  operationKind: QUERY_VALUES["/v1/operations"].kind,
  resourceKind: QUERY_VALUES["/v1/resources"].kind,
  resourceStatus: QUERY_VALUES["/v1/resources"].status,
} as const;
