// A Lambda bundle that starts from a V8 code cache: the code bundled as CommonJS (app.cjs), the entry
// that compiles it with the cache (index.mjs, from scripts/lambdaShims/codeCacheEntry.mjs), and the
// cache itself (app.cjs.cache), made by running the bundle once at build time. Used by
// scripts/buildLambda.ts for the API and by bench/coldStart.ts for the bare baseline's second line.
import { execFile } from "node:child_process";
import { copyFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BuildOptions } from "esbuild";
import { LAMBDA_NODE_MAJOR } from "../infra/lib/lambdaBundles.ts";
import { httpApiEvent } from "./invokeLambda.ts";

/** The bundled code's file name in a code-cached bundle; its cache is `<this>.cache`. */
export const CACHED_CODE_FILE = "app.cjs";

const ENTRY = fileURLToPath(new URL("./lambdaShims/codeCacheEntry.mjs", import.meta.url));

/**
 * esbuild settings for the CommonJS code. The file is CommonJS's wrapper function itself, which the
 * entry compiles as is and calls with `require`, `__filename` and `__dirname` (no copy of 3.7 MB to
 * wrap it at each start). The banner derives what the ES module banner gives (`__fastierJoin`,
 * `__fastierBundleDir`, used by the `__dirname` plugin) and `import.meta.url`, which CommonJS lacks.
 * `import()` of Node's modules becomes `require`: a `vm.Script` has no loader for dynamic imports.
 */
export const CACHED_CODE_OPTIONS = {
  format: "cjs",
  banner: {
    js: [
      // Strict, as the ES module bundle was: esbuild's own "use strict" comes after the banner, too late to count.
      '(function (exports, require, module, __filename, __dirname) { "use strict";',
      "var { join: __fastierJoin } = require('node:path');",
      "var __fastierBundleDir = __dirname;",
      "var __fastierImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
    ].join(" "),
  },
  footer: { js: "})" },
  define: { "import.meta.url": "__fastierImportMetaUrl" },
  supported: { "dynamic-import": false },
} satisfies BuildOptions;

/** Puts the entry that loads app.cjs with its cache into `directory` as index.mjs. */
export async function installCodeCacheEntry(directory: string): Promise<string> {
  const entry = path.join(directory, "index.mjs");
  await copyFile(ENTRY, entry);
  return entry;
}

/**
 * What the warm-up runs, in a fresh plain `node` like Lambda's: import, then each event, then the
 * cache, which then holds the bytecode of every function that ran (V8 compiles most functions only
 * when first called, and a cache taken before running would hold little more than the top level).
 */
const WARM_UP = `
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [entry, cacheFile, eventsJson] = process.argv.slice(1);
const bundle = await import(pathToFileURL(entry).href);
const context = { awsRequestId: "build-warm-up", functionName: "build-warm-up", getRemainingTimeInMillis: () => 30000 };
for (const event of JSON.parse(eventsJson)) {
  const answer = await bundle.handler(event, context);
  if (typeof answer?.statusCode !== "number") throw new Error("the warm-up got no HTTP answer: " + JSON.stringify(answer));
}
writeFileSync(cacheFile, bundle.createCodeCache());
process.exit(0);
`;

/**
 * Needs no database: nothing listens on port 9 of this host, so the queries fail at once (the
 * answers are then 5xx), and those behind a missing key are never made (401). The build's
 * warm-up runs the code of a first request either way: config, the app's plugins and routes,
 * routing, auth, validation and the problem answers, pg's connection attempt.
 */
export const WARM_UP_ENV: NodeJS.ProcessEnv = {
  DATABASE_URL: "postgresql://warm-up@127.0.0.1:9/warm-up",
  CLOUD_PROVIDER: "aws",
  AWS_REGION: "us-east-1",
  AWS_LAMBDA_FUNCTION_NAME: "build-warm-up",
  LOG_LEVEL: "silent",
};

/** A first request without a key and one with a key nobody has: the two paths of a cold API request. */
export const API_WARM_UP_EVENTS = [
  httpApiEvent("GET", "/v1/environments?limit=20"),
  httpApiEvent("GET", "/v1/environments?limit=20", { authorization: "Bearer fcp_build-warm-up" }),
];

/** Runs the bundle behind `entry` once on `events` and writes its code cache beside app.cjs; its size in bytes. */
export async function writeCodeCache(entry: string, events: unknown[], env: NodeJS.ProcessEnv = WARM_UP_ENV) {
  const cacheFile = path.join(path.dirname(entry), `${CACHED_CODE_FILE}.cache`);
  await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", WARM_UP, entry, cacheFile, JSON.stringify(events)],
    { env: { PATH: process.env.PATH, ...env }, maxBuffer: 16 * 1024 * 1024 },
  );
  return (await stat(cacheFile)).size;
}

/** A warning for the build's report when this Node is not the functions' major, whose V8 will refuse the cache. */
export function codeCacheNodeWarning(nodeVersion: string = process.version): string | undefined {
  const major = Number(/^v(\d+)\./.exec(nodeVersion)?.[1]);
  if (major === LAMBDA_NODE_MAJOR) return undefined;
  return (
    `the API's code cache was made by Node ${nodeVersion}; the functions run nodejs${LAMBDA_NODE_MAJOR}.x, ` +
    `which will refuse it and compile from source: build with Node ${LAMBDA_NODE_MAJOR} to ship a cache it takes`
  );
}
