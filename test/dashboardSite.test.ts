// The dashboard served by the API: static files with their cache rules, the page for client-side routes,
// security headers on the dashboard's answers only, and the API (and its document) as before.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "./helpers/testApp.ts";

const PAGE =
  '<!doctype html><html lang="en"><head><script type="module" src="/assets/app-3f9a1c.js"></script></head></html>';
const SCRIPT = "console.log('dashboard');";
const HTML = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

/** A built dashboard as `npm run web:build` lays it out: index.html and hashed assets. */
async function builtDashboard(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "fastier-web-"));
  await mkdir(path.join(dir, "assets"));
  await writeFile(path.join(dir, "index.html"), PAGE);
  await writeFile(path.join(dir, "assets", "app-3f9a1c.js"), SCRIPT);
  return dir;
}

function cspOf(headers: Record<string, unknown>): Map<string, string> {
  const header = String(headers["content-security-policy"] ?? "");
  return new Map(
    header
      .split(";")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = "", ...values] = part.split(/\s+/);
        return [name, values.join(" ")] as const;
      }),
  );
}

describe("the dashboard on the API's origin", () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    dir = await builtDashboard();
    t = await createTestApp({ dashboardDir: dir });
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves hashed assets for a year, immutable, with their content type", async () => {
    const response = await t.app.inject({ method: "GET", url: "/assets/app-3f9a1c.js" });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, SCRIPT);
    assert.equal(response.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.match(String(response.headers["content-type"]), /javascript/);
  });

  it("serves index.html at / with no-cache, so a new release is seen at once", async () => {
    const response = await t.app.inject({ method: "GET", url: "/", headers: HTML });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, PAGE);
    assert.equal(response.headers["cache-control"], "no-cache");
    assert.match(String(response.headers["content-type"]), /^text\/html/);
  });

  it("answers index.html for every client-side route a browser loads (history routing)", async () => {
    for (const route of [
      "/findings",
      "/operations/0b5d6c1e-4f0a-4c61-9d2c-8f1b2a3c4d5e",
      "/inventory?kind=db_instance",
    ]) {
      const response = await t.app.inject({ method: "GET", url: route, headers: HTML });
      assert.equal(response.statusCode, 200, route);
      assert.equal(response.body, PAGE, route);
    }
  });

  it("sets a strict Content-Security-Policy and the other security headers on the page", async () => {
    const response = await t.app.inject({ method: "GET", url: "/overview-does-not-matter", headers: HTML });
    const csp = cspOf(response.headers);
    assert.equal(csp.get("default-src"), "'self'");
    assert.equal(csp.get("script-src"), "'self'", "no inline or foreign script");
    assert.equal(csp.get("style-src"), "'self'");
    assert.equal(csp.get("connect-src"), "'self'", "the page talks to this origin only");
    assert.equal(csp.get("object-src"), "'none'");
    assert.equal(csp.get("frame-ancestors"), "'none'");
    assert.doesNotMatch(String(response.headers["content-security-policy"]), /unsafe-inline|unsafe-eval/);
    assert.equal(response.headers["x-content-type-options"], "nosniff");
    assert.equal(response.headers["referrer-policy"], "no-referrer");
    assert.equal(response.headers["x-frame-options"], "SAMEORIGIN");
    const asset = await t.app.inject({ method: "GET", url: "/assets/app-3f9a1c.js" });
    assert.equal(asset.headers["x-content-type-options"], "nosniff");
  });

  it("keeps 404 problems for what is not a page load: other accepts, other methods, missing assets", async () => {
    const cases = [
      { method: "GET", url: "/findings", headers: { accept: "application/json" } },
      { method: "POST", url: "/findings", headers: HTML },
      { method: "GET", url: "/assets/missing-000000.js", headers: {} },
    ] as const;
    for (const request of cases) {
      const response = await t.app.inject(request);
      assert.equal(response.statusCode, 404, `${request.method} ${request.url}`);
      assert.match(String(response.headers["content-type"]), /application\/problem\+json/);
    }
  });

  it("never answers the page under /v1, even to a browser", async () => {
    const response = await t.app.inject({ method: "GET", url: "/v1/no-such-thing", headers: HTML });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, "route_not_found");
  });

  it("leaves the API's answers as they were: same body, no dashboard headers", async () => {
    const response = await t.app.inject({ method: "GET", url: "/v1/environments", headers: t.auth("viewer") });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { items: [], nextCursor: null });
    assert.equal(response.headers["content-security-policy"], undefined);
    const unauthorised = await t.app.inject({ method: "GET", url: "/v1/environments", headers: HTML });
    assert.equal(unauthorised.statusCode, 401, "the page routes open nothing of the API");
  });

  it("adds nothing of the dashboard to the OpenAPI document", async () => {
    const document = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const paths = Object.keys(document.paths);
    assert.ok(paths.includes("/v1/me"));
    assert.deepEqual(
      paths.filter((route) => !route.startsWith("/v1/") && !["/healthz", "/readyz"].includes(route)),
      [],
    );
  });
});

describe("GET /v1/me", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("tells each key its name, its role, the roles it acts as and the operations it may request", async () => {
    const me = async (role: "viewer" | "operator" | "admin") => {
      const response = await t.app.inject({ method: "GET", url: "/v1/me", headers: t.auth(role) });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers["cache-control"], "no-store");
      return response.json();
    };
    const viewer = await me("viewer");
    assert.deepEqual(
      { id: viewer.id, name: viewer.name, role: viewer.role, actsAs: viewer.actsAs, mayRequest: viewer.mayRequest },
      { id: t.keyIds.viewer, name: "viewer", role: "viewer", actsAs: ["viewer"], mayRequest: [] },
    );
    const operator = await me("operator");
    assert.deepEqual(operator.actsAs, ["viewer", "operator"]);
    assert.ok(operator.mayRequest.includes("scale"));
    assert.ok(!operator.mayRequest.includes("promote_replica"), "promote is for admins");
    assert.ok(!operator.mayRequest.includes("restore_point_in_time"), "restore is for admins");
    const admin = await me("admin");
    assert.deepEqual(admin.actsAs, ["viewer", "operator", "admin"]);
    assert.ok(admin.mayRequest.includes("promote_replica") && admin.mayRequest.includes("restore_point_in_time"));
  });

  it("answers 401 without a key or with an unknown one", async () => {
    const missing = await t.app.inject({ method: "GET", url: "/v1/me" });
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().code, "missing_api_key");
    const unknown = await t.app.inject({ method: "GET", url: "/v1/me", headers: { authorization: "Bearer fcp_nope" } });
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().code, "invalid_api_key");
  });
});
