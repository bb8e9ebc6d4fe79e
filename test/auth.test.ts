import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { createManualClock, createSimCloud } from "@fastier/cloud";
import { DEFAULT_RATE_LIMITS } from "@fastier/config";
import { hashApiKey, issueApiKey, ROLES, type Role } from "@fastier/core";
import { createPrismaApiKeyStore } from "@fastier/db";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp, loggerOptions } from "../apps/api/src/app.ts";
import { createKey, createTestApp, type TestApp } from "./helpers/testApp.ts";
import { createTestDatabase } from "./helpers/testDatabase.ts";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

interface Operation {
  method: Method;
  path: string;
  operationId: string;
  security?: unknown[];
  description?: string;
  responses?: Record<string, unknown>;
}

const METHODS = ["get", "post", "patch", "put", "delete"] as const;
const PUBLIC_PATHS = ["/healthz", "/readyz"];
const PROBLEM_JSON = /^application\/problem\+json/;

function operationsOf(app: FastifyInstance): Operation[] {
  const document = app.swagger() as { paths?: Record<string, Record<string, Omit<Operation, "method" | "path">>> };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) operations.push({ ...operation, method: method.toUpperCase() as Method, path });
    }
  }
  return operations;
}

function requiredRole(operation: Operation): Role {
  const match = /Requires role: (\w+)\./.exec(operation.description ?? "");
  assert.ok(match, `${operation.operationId} does not state its role`);
  const role = match[1] as Role;
  assert.ok(ROLES.includes(role), `${operation.operationId} requires an unknown role ${role}`);
  return role;
}

/** A request to the operation: path parameters are random UUIDs, bodies minimal. */
function requestFor(operation: Operation, headers: Record<string, string> = {}): InjectOptions {
  const url = operation.path.replace(/\{[^}]+\}/g, () => randomUUID());
  const hasBody = operation.method === "POST" || operation.method === "PATCH" || operation.method === "PUT";
  return { method: operation.method, url, headers, ...(hasBody && { payload: {} }) };
}

function assertProblem(response: LightMyRequestResponse, status: number, code: string, what: string) {
  assert.equal(response.statusCode, status, `${what}: ${response.body}`);
  assert.match(String(response.headers["content-type"]), PROBLEM_JSON, what);
  const body = response.json();
  assert.equal(body.status, status, what);
  assert.equal(body.code, code, what);
}

describe("every secured operation refuses callers without the right key", () => {
  let t: TestApp;
  let operations: Operation[];
  let secured: Operation[];
  before(async () => {
    // Hundreds of keyless requests from one address: far beyond its limit, which would answer 429
    // before auth is reached (test/rateLimit.test.ts covers that). The per-key limit stays as in production.
    t = await createTestApp({ rateLimit: { ...DEFAULT_RATE_LIMITS, perAddressPerMinute: 100_000 } });
    operations = operationsOf(t.app);
    secured = operations.filter((operation) => operation.security && operation.security.length > 0);
  });
  after(() => t.close());

  it("covers a non-trivial number of operations", () => {
    assert.ok(secured.length >= 12, `only ${secured.length} secured operations in the document`);
  });

  it("leaves only /healthz and /readyz without security", () => {
    const open = operations.filter((operation) => !secured.includes(operation)).map((o) => o.path);
    assert.deepEqual(open.sort(), [...PUBLIC_PATHS].sort());
  });

  it("documents bearer auth, the required role and 401/403 answers on each secured operation", () => {
    for (const operation of secured) {
      assert.deepEqual(operation.security, [{ bearerAuth: [] }], operation.operationId);
      requiredRole(operation);
      assert.ok(operation.responses?.["401"], `${operation.operationId} does not document 401`);
      assert.ok(operation.responses?.["403"], `${operation.operationId} does not document 403`);
    }
  });

  it("answers 401 missing_api_key with a challenge when no key is sent", async () => {
    for (const operation of secured) {
      const what = `${operation.method} ${operation.path} without a key`;
      const response = await t.app.inject(requestFor(operation));
      assertProblem(response, 401, "missing_api_key", what);
      assert.match(String(response.headers["www-authenticate"]), /^Bearer realm=/, what);
    }
  });

  it("answers 401 missing_api_key when the key is not sent as a Bearer token", async () => {
    for (const operation of secured) {
      const headers = { authorization: `Basic ${Buffer.from(`admin:${t.keys.admin}`).toString("base64")}` };
      const response = await t.app.inject(requestFor(operation, headers));
      assertProblem(response, 401, "missing_api_key", `${operation.method} ${operation.path} with Basic auth`);
    }
  });

  it("answers 401 invalid_api_key to malformed and unknown keys", async () => {
    const badKeys = ["not-a-key", issueApiKey().key, `${t.keys.admin}x`, t.keys.admin.slice(0, -1)];
    for (const operation of secured) {
      for (const key of badKeys) {
        const what = `${operation.method} ${operation.path} with key ${key.slice(0, 16)}…`;
        const response = await t.app.inject(requestFor(operation, { authorization: `Bearer ${key}` }));
        assertProblem(response, 401, "invalid_api_key", what);
        assert.match(String(response.headers["www-authenticate"]), /error="invalid_token"/, what);
      }
    }
  });

  it("answers 403 insufficient_role to the role just below the required one", async () => {
    let checked = 0;
    for (const operation of secured) {
      const required = requiredRole(operation);
      const below = ROLES[ROLES.indexOf(required) - 1];
      if (!below) continue;
      const what = `${operation.method} ${operation.path} as ${below}`;
      const response = await t.app.inject(requestFor(operation, t.auth(below)));
      assertProblem(response, 403, "insufficient_role", what);
      assert.equal(response.json().requiredRole, required, what);
      assert.equal(response.json().role, below, what);
      checked++;
    }
    assert.ok(checked >= 6, `only ${checked} operations need more than viewer`);
  });

  it("lets a viewer past authentication on the operations that require viewer", async () => {
    const viewerOperations = secured.filter((operation) => requiredRole(operation) === "viewer");
    assert.ok(viewerOperations.length >= 4, `only ${viewerOperations.length} viewer operations`);
    for (const operation of viewerOperations) {
      const response = await t.app.inject(requestFor(operation, t.auth("viewer")));
      assert.ok(
        response.statusCode !== 401 && response.statusCode !== 403,
        `${operation.method} ${operation.path} as viewer answered ${response.statusCode}: ${response.body}`,
      );
    }
  });
});

describe("API keys managed through the API", () => {
  let t: TestApp;
  const issuedKeys: string[] = [];
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  async function createKeyViaApi(role: Role, name: string) {
    const response = await t.app.inject({
      method: "POST",
      url: "/v1/api-keys",
      headers: t.auth("admin"),
      payload: { name, role },
    });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json() as { key: string; apiKey: { id: string; prefix: string; role: Role } };
    issuedKeys.push(body.key);
    return { response, key: body.key, apiKey: body.apiKey };
  }

  const get = (url: string, key: string) =>
    t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${key}` } });

  it("shows a new key once, with cache-control: no-store", async () => {
    const { response, key, apiKey } = await createKeyViaApi("viewer", "dashboard");
    assert.equal(response.headers["cache-control"], "no-store");
    assert.match(key, /^fcp_[\w-]{40,}$/);
    assert.equal(apiKey.prefix, key.slice(0, apiKey.prefix.length));
    assert.ok(apiKey.prefix.length < key.length / 2, "the prefix gives away most of the key");
    assert.equal(apiKey.role, "viewer");
    assert.equal("hash" in apiKey, false);
  });

  it("lets a new key work at once, for its role and no more", async () => {
    const { key } = await createKeyViaApi("operator", "deployer");
    assert.equal((await get("/v1/environments", key)).statusCode, 200);
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/environments",
      headers: { authorization: `Bearer ${key}` },
      payload: { name: "made-by-new-key", region: "eu-west-1" },
    });
    assert.equal(created.statusCode, 201, created.body);
    assertProblem(await get("/v1/api-keys", key), 403, "insufficient_role", "operator lists keys");
  });

  it("never lists the key or its hash, only the prefix", async () => {
    const { key, apiKey } = await createKeyViaApi("viewer", "listed");
    for (const url of ["/v1/api-keys", "/v1/api-keys?includeRevoked=true"]) {
      const response = await get(url, t.keys.admin);
      assert.equal(response.statusCode, 200);
      const items = response.json().items as Record<string, unknown>[];
      const listed = items.find((item) => item.id === apiKey.id);
      assert.ok(listed, `${url} does not list the new key`);
      assert.equal(listed.prefix, apiKey.prefix);
      for (const item of items) {
        assert.equal("key" in item, false, url);
        assert.equal("hash" in item, false, url);
      }
      for (const secret of [key, hashApiKey(key), t.keys.admin, hashApiKey(t.keys.admin)]) {
        assert.equal(response.body.includes(secret), false, `${url} shows a secret`);
      }
    }
  });

  it("refuses key creation to an operator, and creates nothing", async () => {
    const before = await t.db.prisma.apiKey.count();
    const response = await t.app.inject({
      method: "POST",
      url: "/v1/api-keys",
      headers: t.auth("operator"),
      payload: { name: "sneaky", role: "admin" },
    });
    assertProblem(response, 403, "insufficient_role", "operator creates a key");
    assert.equal(await t.db.prisma.apiKey.count(), before);
  });

  it("revokes a key, after which it is refused", async () => {
    const { key, apiKey } = await createKeyViaApi("operator", "to-revoke");
    assert.equal((await get("/v1/environments", key)).statusCode, 200);
    const revoked = await t.app.inject({
      method: "DELETE",
      url: `/v1/api-keys/${apiKey.id}`,
      headers: t.auth("admin"),
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(typeof revoked.json().revokedAt, "string");
    assertProblem(await get("/v1/environments", key), 401, "invalid_api_key", "revoked key");
    const active = (await get("/v1/api-keys", t.keys.admin)).json().items as { id: string }[];
    assert.equal(
      active.some((item) => item.id === apiKey.id),
      false,
    );
  });

  it("answers 404 when revoking a key that does not exist", async () => {
    const response = await t.app.inject({
      method: "DELETE",
      url: `/v1/api-keys/${randomUUID()}`,
      headers: t.auth("admin"),
    });
    assertProblem(response, 404, "api_key_not_found", "revoke unknown key");
  });

  it("refuses to revoke the only active admin key with 409 last_admin_key", async () => {
    const { apiKey: other } = await createKeyViaApi("admin", "second-admin");
    const listed = (await get("/v1/api-keys", t.keys.admin)).json().items as { id: string; role: Role }[];
    const otherAdmins = listed.filter((item) => item.role === "admin" && item.id !== t.keyIds.admin);
    assert.ok(otherAdmins.some((item) => item.id === other.id));
    for (const admin of otherAdmins) {
      const response = await t.app.inject({
        method: "DELETE",
        url: `/v1/api-keys/${admin.id}`,
        headers: t.auth("admin"),
      });
      assert.equal(response.statusCode, 200, response.body);
    }
    const last = await t.app.inject({
      method: "DELETE",
      url: `/v1/api-keys/${t.keyIds.admin}`,
      headers: t.auth("admin"),
    });
    assertProblem(last, 409, "last_admin_key", "revoke the last admin key");
    assert.equal((await get("/v1/api-keys", t.keys.admin)).statusCode, 200, "the last admin key stopped working");
  });

  it("records key creation and revocation in the audit trail without the keys", async () => {
    assert.ok(issuedKeys.length >= 4, "the earlier tests issued no keys");
    const response = await get("/v1/audit-events?targetType=api_key&limit=200", t.keys.viewer);
    assert.equal(response.statusCode, 200, response.body);
    const events = response.json().items as { action: string; targetType: string }[];
    const actions = new Set(events.map((event) => event.action));
    assert.ok(actions.has("api_key.create"), "no api_key.create event");
    assert.ok(actions.has("api_key.revoke"), "no api_key.revoke event");
    assert.ok(events.every((event) => event.targetType === "api_key"));
    for (const key of [...issuedKeys, ...Object.values(t.keys)]) {
      assert.equal(response.body.includes(key), false, "the audit trail shows a key");
      assert.equal(response.body.includes(hashApiKey(key)), false, "the audit trail shows a key hash");
    }
  });
});

describe("secrets stay out of the log", () => {
  /** An app logging at info, as in production, into lines this test can read. */
  async function appWithCapturedLog(extra: Record<string, unknown> = {}) {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const base = loggerOptions("info");
    assert.ok(base && typeof base === "object", "loggerOptions gives no options object");
    const { transport: _transport, ...options } = base as Record<string, unknown>;
    const db = await createTestDatabase();
    const app = await buildApp({
      config: { logLevel: "info", authCacheSeconds: 0, rateLimit: DEFAULT_RATE_LIMITS },
      database: db,
      cloud: createSimCloud({ pool: db.pool, clock: createManualClock(new Date("2026-11-25T12:00:00Z")) }),
      logger: { ...options, ...extra, stream } as Parameters<typeof buildApp>[0]["logger"],
    });
    await app.ready();
    const { key } = await createKey(createPrismaApiKeyStore(db.prisma), "admin");
    return {
      app,
      key,
      lines,
      async close() {
        await app.close();
        await db.drop();
      },
    };
  }

  it("does not log the key of a request, a refused key or a newly issued key", async () => {
    const logged = await appWithCapturedLog();
    try {
      const { app, key, lines } = logged;
      const ok = await app.inject({
        method: "GET",
        url: "/v1/environments",
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(ok.statusCode, 200);
      const unknownKey = issueApiKey().key;
      const refused = await app.inject({
        method: "GET",
        url: "/v1/environments",
        headers: { authorization: `Bearer ${unknownKey}` },
      });
      assert.equal(refused.statusCode, 401);
      const created = await app.inject({
        method: "POST",
        url: "/v1/api-keys",
        headers: { authorization: `Bearer ${key}` },
        payload: { name: "logged", role: "viewer" },
      });
      assert.equal(created.statusCode, 201);
      const newKey = created.json().key as string;

      const requestIds = [ok, refused, created].map((response) => String(response.headers["x-request-id"]));
      for (const id of requestIds) {
        assert.ok(
          lines.some((line) => line.includes(id)),
          `request ${id} was not logged; got ${lines.length} lines`,
        );
      }
      const log = lines.join("\n");
      for (const secret of [key, unknownKey, newKey]) {
        assert.equal(log.includes(secret), false, "a key appears in the log");
        assert.equal(log.includes(secret.slice(4)), false, "the secret part of a key appears in the log");
      }
    } finally {
      await logged.close();
    }
  });

  it("redacts the Authorization header even when request headers are logged", async () => {
    const logged = await appWithCapturedLog({
      serializers: {
        req: (request: { method: string; url: string; headers: unknown }) => ({
          method: request.method,
          url: request.url,
          headers: request.headers,
        }),
      },
    });
    try {
      const { app, key, lines } = logged;
      const response = await app.inject({
        method: "GET",
        url: "/v1/environments",
        headers: { authorization: `Bearer ${key}`, "x-api-key": key, cookie: `session=${key}` },
      });
      assert.equal(response.statusCode, 200);
      const withHeaders = lines.filter((line) => line.includes('"headers"'));
      assert.ok(withHeaders.length > 0, "no log line carries request headers");
      const log = lines.join("\n");
      assert.equal(log.includes(key.slice(4)), false, "a key appears in the log");
      assert.ok(withHeaders.some((line) => JSON.parse(line).req?.headers?.authorization === "[redacted]"));
    } finally {
      await logged.close();
    }
  });
});
