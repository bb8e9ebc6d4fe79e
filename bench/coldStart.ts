// npm run bench:cold-start: the API's Lambda bundle, imported by fresh node processes, to its first answers.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FASTIER_PRODUCTION_ENVIRONMENT, issueApiKey, SYSTEM_ACTOR } from "@fastier/core";
import { createInventoryStore, createPrismaApiKeyStore, openDatabaseHandle } from "@fastier/db";
import { type BuildOptions, build } from "esbuild";
import {
  API_BUNDLE_LIMIT_BYTES,
  BANNER,
  buildLambdaBundles,
  megabytes,
  pgWithoutCloudflareProbePlugin,
} from "../scripts/buildLambda.ts";
import { httpApiEvent, type InvokeOutcome, invokeBundle } from "../scripts/invokeLambda.ts";
import {
  CACHED_CODE_FILE,
  CACHED_CODE_OPTIONS,
  installCodeCacheEntry,
  writeCodeCache,
} from "../scripts/lambdaCodeCache.ts";
import { startBenchProcess } from "./benchProcess.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

/** Median import + first response must stay under this (Lambda's own start-up comes on top). */
export const TARGET_FIRST_RESPONSE_MS = 500;
/** The app's first authenticated list may take at most this many times the bare bundle's, same run. */
export const TARGET_RATIO_TO_BARE = 1.3;

const { log, cleanup, finish } = startBenchProcess("cold-start");

/** The bench's knobs; only the bench reads these variables, the app never sees them. */
function readSettings(env: NodeJS.ProcessEnv = process.env) {
  const raw = env.BENCH_COLD_STARTS;
  const runs = raw ? Number(raw) : 15;
  if (!Number.isInteger(runs) || runs < 1 || runs > 200) {
    throw new Error(`BENCH_COLD_STARTS must be an integer from 1 to 200, not "${raw}"`);
  }
  return { runs, databaseUrl: env.DATABASE_URL || undefined };
}

interface Sample {
  importMs: number;
  firstMs: number;
  /** CPU time of the import and of the first invocation, which load on the machine moves less than wall time. */
  importCpuMs: number;
  firstCpuMs: number;
  secondMs: number;
  wallMs: number;
}

interface Response {
  statusCode: number;
  body: string;
}

async function coldStart(file: string, events: unknown[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const outcome: InvokeOutcome<Response> = await invokeBundle<Response>(file, "handler", events, env);
  const wallMs = performance.now() - started;
  for (const { result } of outcome.invocations) {
    if (result.statusCode !== 200) throw new Error(`answered ${result.statusCode}: ${result.body.slice(0, 300)}`);
  }
  const [first, second] = outcome.invocations;
  return {
    importMs: outcome.importMs,
    firstMs: first?.ms ?? Number.NaN,
    importCpuMs: outcome.importCpuMs,
    firstCpuMs: first?.cpuMs ?? Number.NaN,
    secondMs: second?.ms ?? Number.NaN,
    wallMs,
  };
}

const cpuToFirst = (sample: Sample) => sample.importCpuMs + sample.firstCpuMs;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function run(): Promise<boolean> {
  const settings = readSettings();
  const outDir = await mkdtemp(path.join(os.tmpdir(), "fastier-cold-start-"));
  cleanup.defer("remove the bundle", () => rm(outDir, { recursive: true, force: true }));
  const [bundle] = await buildLambdaBundles({ outDir, names: ["api"] });
  if (!bundle) throw new Error("no API bundle was built");
  const cache =
    bundle.codeCacheBytes === undefined ? "no code cache" : `code cache ${megabytes(bundle.codeCacheBytes)} MB`;
  log(`built ${bundle.code}: ${megabytes(bundle.bytes)} MB, ${cache}`);
  const bareFile = await buildBareBundle(outDir);
  const bareCachedFile = await buildBareBundleWithCodeCache(outDir);

  const database = await openThrowawayDatabase(settings.databaseUrl, cleanup, log);
  const handle = openDatabaseHandle({ url: database.url, poolMax: 2 });
  const issued = issueApiKey();
  try {
    const audit = { actor: { ...SYSTEM_ACTOR, name: "system:bench" }, requestId: null };
    await createPrismaApiKeyStore(handle.prisma).create(
      { name: "cold-start", role: "viewer", prefix: issued.prefix, hash: issued.hash, createdBy: "bench" },
      audit,
    );
    await createInventoryStore(handle).createEnvironment(FASTIER_PRODUCTION_ENVIRONMENT, audit);
  } finally {
    await handle.close();
  }

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    CLOUD_PROVIDER: "sim",
    AWS_LAMBDA_FUNCTION_NAME: "fastier-api-cold-start",
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "info",
  };
  const healthz = () => httpApiEvent("GET", "/healthz");
  const environments = () => httpApiEvent("GET", "/v1/environments", { authorization: `Bearer ${issued.key}` });
  // One run first, untimed: it creates the simulator's shared clock, which every later start only reads,
  // and warms the file cache as a deployed function's storage would be.
  await coldStart(bundle.file, [healthz(), environments()], env);
  await coldStart(bareFile, [environments()], env);
  await coldStart(bareCachedFile, [environments()], env);

  const series = {
    healthz: [] as Sample[],
    environments: [] as Sample[],
    bare: [] as Sample[],
    bareCached: [] as Sample[],
  };
  log(`${settings.runs} cold starts for each first request, and of the bare bundle ...`);
  // Interleaved, so that whatever else the machine does weighs on both alike.
  for (let index = 0; index < settings.runs; index++) {
    series.healthz.push(await coldStart(bundle.file, [healthz(), environments()], env));
    series.environments.push(await coldStart(bundle.file, [environments(), healthz()], env));
    series.bare.push(await coldStart(bareFile, [environments(), environments()], env));
    series.bareCached.push(await coldStart(bareCachedFile, [environments(), environments()], env));
  }

  const rows: [string, number[]][] = [
    ["import of index.mjs (Lambda's init)", series.healthz.map((sample) => sample.importMs)],
    ["first GET /healthz (app built, pool opened)", series.healthz.map((sample) => sample.firstMs)],
    ["import + first GET /healthz", series.healthz.map((sample) => sample.importMs + sample.firstMs)],
    ["import + first GET /v1/environments (key)", series.environments.map((s) => s.importMs + s.firstMs)],
    ["  then a first GET /v1/environments (first queries)", series.healthz.map((sample) => sample.secondMs)],
    ["  then GET /healthz, warm", series.environments.map((sample) => sample.secondMs)],
    ["node process, spawn to exit", [...series.healthz, ...series.environments].map((sample) => sample.wallMs)],
    ["bare Fastify + pg: import", series.bare.map((sample) => sample.importMs)],
    ["bare Fastify + pg: import + first GET /v1/environments", series.bare.map((s) => s.importMs + s.firstMs)],
    ["  then a second GET /v1/environments", series.bare.map((sample) => sample.secondMs)],
    ["bare, with a code cache as the API's: import", series.bareCached.map((sample) => sample.importMs)],
    ["bare, with a code cache: import + first GET", series.bareCached.map((s) => s.importMs + s.firstMs)],
    ["CPU ms: app, import + first GET /v1/environments", series.environments.map(cpuToFirst)],
    ["CPU ms: bare, import + first GET", series.bare.map(cpuToFirst)],
    ["CPU ms: bare with a code cache, import + first GET", series.bareCached.map(cpuToFirst)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const healthzFirst = median(rows[2]![1]);
  const environmentsFirst = median(rows[3]![1]);
  const bareFirst = median(rows[8]![1]);
  const bareCachedFirst = median(rows[11]![1]);
  const ratio = environmentsFirst / bareFirst;
  const cachedRatio = environmentsFirst / bareCachedFirst;
  const [appCpu, bareCpu, bareCachedCpu] = [rows[12]![1], rows[13]![1], rows[14]![1]].map(median) as [
    number,
    number,
    number,
  ];
  const bundleMet = bundle.bytes <= API_BUNDLE_LIMIT_BYTES;
  const verdict = (met: boolean) => (met ? "met" : "NOT met");
  console.log(
    [
      `machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}`,
      `database: ${database.source}; cloud: simulator; ${settings.runs} fresh node processes per first request`,
      "",
      `${"".padEnd(width)}  median ms    max ms`,
      ...rows.map(
        ([label, values]) =>
          `${label.padEnd(width)}  ${median(values).toFixed(0).padStart(9)}  ${Math.max(...values)
            .toFixed(0)
            .padStart(8)}`,
      ),
      "",
      `API bundle: ${megabytes(bundle.bytes)} MB (target ≤ ${megabytes(API_BUNDLE_LIMIT_BYTES)} MB: ${verdict(bundleMet)})`,
      `import + first response, median: ${healthzFirst.toFixed(0)} ms for /healthz, ${environmentsFirst.toFixed(0)} ms for /v1/environments` +
        ` (target ≤ ${TARGET_FIRST_RESPONSE_MS} ms: ${verdict(Math.max(healthzFirst, environmentsFirst) <= TARGET_FIRST_RESPONSE_MS)})`,
      `first authenticated list, app vs bare Fastify + pg, median import + first: ${environmentsFirst.toFixed(0)} ms vs ` +
        `${bareFirst.toFixed(0)} ms = ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO_TO_BARE}×: ${verdict(ratio <= TARGET_RATIO_TO_BARE)})`,
      `the same against the bare bundle given a code cache too: ${environmentsFirst.toFixed(0)} ms vs ` +
        `${bareCachedFirst.toFixed(0)} ms = ${cachedRatio.toFixed(2)}× (target ≤ ${TARGET_RATIO_TO_BARE}×: ` +
        `${verdict(cachedRatio <= TARGET_RATIO_TO_BARE)})`,
      `in CPU time, median import + first: app ${appCpu.toFixed(0)} ms vs bare ${bareCpu.toFixed(0)} ms = ` +
        `${(appCpu / bareCpu).toFixed(2)}×, vs bare with a code cache ${bareCachedCpu.toFixed(0)} ms = ` +
        `${(appCpu / bareCachedCpu).toFixed(2)}×`,
      `load average (1, 5, 15 min) at the end: ${os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(", ")}`,
    ].join("\n"),
  );
  return true;
}

/** bench/bareLambda.ts, bundled as a plain ES module (one minified file, the ES module banner). */
async function buildBareBundle(outDir: string): Promise<string> {
  const file = path.join(outDir, "bare", "index.mjs");
  await build({ ...BARE_BUILD, outfile: file, format: "esm", banner: { js: BANNER } });
  await writeFile(path.join(outDir, "bare", "package.json"), '{ "type": "module" }\n');
  return file;
}

/**
 * bench/bareLambda.ts shipped as the API is: CommonJS behind the code-cache entry, its cache made by
 * the same database-free warm-up (its first request fails to reach the database, as the API's does).
 * A code cache is open to any bundle, so the ratio is also given against this.
 */
async function buildBareBundleWithCodeCache(outDir: string): Promise<string> {
  const directory = path.join(outDir, "bare-cached");
  await build({ ...BARE_BUILD, outfile: path.join(directory, CACHED_CODE_FILE), ...CACHED_CODE_OPTIONS });
  await writeFile(path.join(directory, "package.json"), '{ "type": "module" }\n');
  const entry = await installCodeCacheEntry(directory);
  await writeCodeCache(entry, [httpApiEvent("GET", "/v1/environments", { authorization: "Bearer fcp_warm-up" })]);
  return entry;
}

const BARE_BUILD = {
  entryPoints: [path.join(import.meta.dirname, "bareLambda.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  // The same pg as in the API bundle, so neither pays for a question the other skips.
  plugins: [pgWithoutCloudflareProbePlugin()],
} satisfies BuildOptions;

await finish(run);
