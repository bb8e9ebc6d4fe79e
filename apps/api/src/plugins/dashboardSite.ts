import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface DashboardSiteOptions {
  /** The dashboard's built files (`index.html` and `assets/`), as `npm run web:build` writes them. */
  directory: string;
}

/** Asset names carry a hash of their content, so a browser may keep each one for a year, unchecked. */
const ASSET_MAX_AGE_MS = 365 * 24 * 3_600_000;

/**
 * Everything the dashboard page loads comes from this origin: no inline script or
 * style, no other host, and the API it calls is `connect-src 'self'`. API keys
 * live in the page's sessionStorage, so keeping foreign script out is what keeps them safe.
 */
export const DASHBOARD_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The folder holds a built dashboard. */
export function isDashboardBuilt(directory: string): boolean {
  return existsSync(path.join(directory, "index.html"));
}

/** A page load of a client-side route: a GET for HTML, outside the API. */
function wantsDashboardPage(request: FastifyRequest): boolean {
  const pathname = request.url.split("?")[0] ?? "";
  if (pathname === "/v1" || pathname.startsWith("/v1/")) return false;
  return /\btext\/html\b/.test(request.headers.accept ?? "");
}

/**
 * Serves the dashboard on the API's origin: hashed assets under `/assets/`, and
 * `index.html` for any other GET that asks for HTML outside `/v1`, so that the
 * page's own (history API) routes can be loaded, bookmarked and reloaded. Any
 * other request that matches nothing still gets the API's 404 problem. The
 * security headers are set on these answers only; the API's stay as they were.
 */
export async function dashboardSite(app: FastifyInstance, options: DashboardSiteOptions): Promise<void> {
  const indexFile = path.join(options.directory, "index.html");
  // Public like /docs: the page holds no data; everything it shows comes from /v1 with the user's key.
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, public: true };
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: DASHBOARD_CSP_DIRECTIVES },
    // Keys are pasted into the page: no other site may frame it, nor learn its URLs.
    referrerPolicy: { policy: "no-referrer" },
    crossOriginEmbedderPolicy: false,
    hsts: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(options.directory, "assets"),
    prefix: "/assets/",
    index: false,
    // Answered as `public, max-age=31536000, immutable`.
    cacheControl: true,
    maxAge: ASSET_MAX_AGE_MS,
    immutable: true,
  });

  const sendPage = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!wantsDashboardPage(request)) return reply.callNotFound();
    // Always revalidated, so that a new release's page (naming its new assets) is seen at once.
    return reply
      .header("cache-control", "no-cache")
      .type("text/html; charset=utf-8")
      .send(await readFile(indexFile));
  };
  app.get("/", { schema: { hide: true } }, sendPage);
  app.get("/*", { schema: { hide: true } }, sendPage);
}
