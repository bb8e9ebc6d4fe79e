import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  buildOpenapiDocument,
  CLIENT_QUERY_VALUES_PATH,
  CLIENT_SCHEMA_PATH,
  generateClientTypes,
  generateQueryValues,
  OPENAPI_JSON_PATH,
  type OpenapiDocument,
  serializeOpenapiDocument,
} from "../scripts/openapiDocument.ts";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;
const PUBLIC_PATHS = new Set(["/healthz", "/readyz"]);

/**
 * Answers that come from what an operation does rather than from its shape:
 * name clashes, missing parents, the last admin key, a database that is down.
 */
const DOMAIN_STATUSES: Record<string, string[]> = {
  getReadiness: ["503"],
  createEnvironment: ["409"],
  updateEnvironment: ["409"],
  deleteEnvironment: ["409"],
  createResource: ["404", "409"],
  updateResource: ["409"],
  revokeApiKey: ["409"],
};

interface Parameter {
  in: string;
  name: string;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

interface LocatedOperation {
  label: string;
  path: string;
  operation: Operation;
}

function operationsOf(document: OpenapiDocument): LocatedOperation[] {
  const paths = (document.paths ?? {}) as Record<string, Partial<Record<string, Operation>>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ label: `${method.toUpperCase()} ${path}`, path, operation }] : [];
    }),
  );
}

/** Statuses an operation can answer, judged from its inputs, its security and what it does. */
function statusesItCanAnswer({ path, operation }: LocatedOperation): string[] {
  const parameters = operation.parameters ?? [];
  const statuses = [...(DOMAIN_STATUSES[operation.operationId ?? ""] ?? [])];
  if (!PUBLIC_PATHS.has(path)) statuses.push("401", "403");
  // Every operation but liveness reads the database, so an outage answers 503 with Retry-After.
  if (path !== "/healthz") statuses.push("503");
  if (parameters.length > 0 || operation.requestBody) statuses.push("400");
  if (operation.requestBody) statuses.push("413", "415");
  if (parameters.some((parameter) => parameter.in === "path")) statuses.push("404");
  if (parameters.some((parameter) => parameter.in === "header" && parameter.name === "if-match")) statuses.push("412");
  return statuses;
}

describe("OpenAPI document and generated client types", () => {
  let document: OpenapiDocument;
  let operations: LocatedOperation[];
  before(async () => {
    document = await buildOpenapiDocument();
    operations = operationsOf(document);
  });

  describe("committed files", () => {
    it("openapi.json matches the routes", async () => {
      const committed = await readFile(OPENAPI_JSON_PATH, "utf8");
      assert.ok(
        committed === serializeOpenapiDocument(document),
        "openapi.json is stale: run `npm run openapi` and commit the result",
      );
    });

    it("packages/client/src/schema.ts matches openapi.json", async () => {
      const committed = await readFile(CLIENT_SCHEMA_PATH, "utf8");
      assert.ok(
        committed === (await generateClientTypes(document)),
        "packages/client/src/schema.ts is stale: run `npm run openapi` and commit the result",
      );
    });

    it("packages/client/src/queryValues.ts matches openapi.json", async () => {
      const committed = await readFile(CLIENT_QUERY_VALUES_PATH, "utf8");
      assert.ok(
        committed === generateQueryValues(document),
        "packages/client/src/queryValues.ts is stale: run `npm run openapi` and commit the result",
      );
    });
  });

  describe("document", () => {
    it("is OpenAPI 3.1.0 with the bearer scheme", () => {
      assert.equal(document.openapi, "3.1.0");
      const schemes = document.components?.securitySchemes as Record<string, { type?: string; scheme?: string }>;
      assert.equal(schemes.bearerAuth?.type, "http");
      assert.equal(schemes.bearerAuth?.scheme, "bearer");
    });

    it("lists the API's operations", () => {
      const labels = operations.map((located) => located.label);
      for (const expected of [
        "GET /healthz",
        "GET /v1/resources",
        "PATCH /v1/resources/{id}",
        "GET /v1/audit-events",
      ]) {
        assert.ok(labels.includes(expected), `${expected} is missing from the document`);
      }
      // The document itself and Prometheus' /metrics are hidden; a resource's /v1/resources/{id}/metrics is not.
      const hidden = operations.filter((located) => located.path === "/openapi.json" || located.path === "/metrics");
      assert.deepEqual(
        hidden.map((located) => located.label),
        [],
      );
    });

    it("gives every operation a unique operationId and a declared tag", () => {
      const declaredTags = new Set((document.tags ?? []).map((tag) => tag.name));
      const seen = new Map<string, string>();
      for (const { label, operation } of operations) {
        const id = operation.operationId;
        assert.ok(id, `${label} has no operationId`);
        assert.equal(seen.get(id), undefined, `${label} reuses operationId ${id} of ${seen.get(id)}`);
        seen.set(id, label);
        assert.ok((operation.tags ?? []).length > 0, `${label} has no tag`);
        for (const tag of operation.tags ?? []) assert.ok(declaredTags.has(tag), `${label} uses undeclared tag ${tag}`);
      }
    });

    it("documents a success and every status each operation can answer", () => {
      for (const located of operations) {
        const documented = Object.keys(located.operation.responses ?? {});
        assert.ok(
          documented.some((status) => status.startsWith("2")),
          `${located.label} documents no success response`,
        );
        for (const status of statusesItCanAnswer(located)) {
          assert.ok(documented.includes(status), `${located.label} can answer ${status} but does not document it`);
        }
      }
    });

    it("requires the bearer key everywhere except health checks", () => {
      for (const { label, path, operation } of operations) {
        if (PUBLIC_PATHS.has(path)) {
          assert.equal(operation.security, undefined, `${label} is public but asks for a key`);
          continue;
        }
        assert.deepEqual(operation.security, [{ bearerAuth: [] }], `${label} does not require bearerAuth`);
      }
    });
  });

  describe("served by the app", () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp();
    });
    after(() => t.close());

    it("serves the same document at /openapi.json without a key", async () => {
      const response = await t.app.inject({ method: "GET", url: "/openapi.json" });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), document);
    });

    it("serves the documentation UI at /docs", async () => {
      const response = await t.app.inject({ method: "GET", url: "/docs" });
      assert.equal(response.statusCode, 200);
      assert.match(response.headers["content-type"] as string, /^text\/html/);
      assert.match(response.body, /<html/i);
    });
  });
});
