// The entry a code-cached Lambda bundle starts from (scripts/lambdaShims/codeCacheEntry.mjs): it takes
// the cache the build made, falls back to compiling from source when V8 refuses one, and maps stack
// traces to the TypeScript when source maps are on, as Node does for the modules it loads itself.
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import { LAMBDA_NODE_MAJOR } from "../infra/lib/lambdaBundles.ts";
import { invokeBundle } from "../scripts/invokeLambda.ts";
import {
  CACHED_CODE_FILE,
  CACHED_CODE_OPTIONS,
  codeCacheNodeWarning,
  installCodeCacheEntry,
  writeCodeCache,
} from "../scripts/lambdaCodeCache.ts";

const FIXTURE = path.join(import.meta.dirname, "fixtures", "codeCachedHandler.ts");
const REJECTED = /V8 rejected .*app\.cjs\.cache/;

describe("the code-cache entry of a Lambda bundle", () => {
  let outDir: string;

  /** The fixture bundled as the API is (minified CommonJS, a linked source map) behind the entry, with its cache. */
  async function bundleFixture(name: string, minify = true): Promise<{ entry: string; cache: string }> {
    const directory = path.join(outDir, name);
    await mkdir(directory, { recursive: true });
    await build({
      entryPoints: [FIXTURE],
      outfile: path.join(directory, CACHED_CODE_FILE),
      bundle: true,
      platform: "node",
      minify,
      sourcemap: "linked",
      sourcesContent: false,
      logLevel: "warning",
      ...CACHED_CODE_OPTIONS,
    });
    const entry = await installCodeCacheEntry(directory);
    const bytes = await writeCodeCache(entry, [{}]);
    assert.ok(bytes > 0);
    return { entry, cache: path.join(directory, `${CACHED_CODE_FILE}.cache`) };
  }

  const invoke = (entry: string, env: NodeJS.ProcessEnv = {}) =>
    invokeBundle<{ statusCode: number; body: string; strict: boolean }>(entry, "handler", [{}], {
      PATH: process.env.PATH,
      ...env,
    });

  before(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "fastier-code-cache-test-"));
  });
  after(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("starts from the cache the build wrote, without a warning, as strict code", async () => {
    const { entry, cache } = await bundleFixture("accepted");
    assert.ok((await stat(cache)).size > 0);
    const { invocations, output } = await invoke(entry);
    assert.equal(invocations[0]?.result.statusCode, 200, output);
    assert.doesNotMatch(output, REJECTED);
    assert.equal(invocations[0]?.result.strict, true);
  });

  it("compiles from source after one JSON warning when V8 refuses the cache (made for other code)", async () => {
    const { entry, cache } = await bundleFixture("refused");
    // V8 checks the source a cache was made for: a cache of other code is refused, as one from another Node is.
    const unminified = await bundleFixture("unminified", false);
    await copyFile(unminified.cache, cache);
    const { invocations, output } = await invoke(entry);
    assert.equal(invocations[0]?.result.statusCode, 200, output);
    const warnings = output.split("\n").filter((line) => REJECTED.test(line));
    assert.equal(warnings.length, 1, output);
    const warning = JSON.parse(warnings[0] ?? "{}");
    assert.equal(warning.level, 40);
    assert.equal(warning.node, process.version);
  });

  it("maps the bundle's frames to the TypeScript when source maps are on, and leaves them alone otherwise", async () => {
    const { entry } = await bundleFixture("mapped");
    const fixtureLines = (await readFile(FIXTURE, "utf8")).split("\n");
    const throwLine = fixtureLines.findIndex((line) => line.includes("throw new Error")) + 1;
    const callLine = fixtureLines.findIndex((line) => line.includes("failHere();")) + 1;

    const mapped = (await invoke(entry, { NODE_OPTIONS: "--enable-source-maps" })).invocations[0]?.result.body ?? "";
    const frames = mapped.split("\n");
    assert.equal(frames[0], "Error: thrown from the fixture");
    assert.match(frames[1] ?? "", new RegExp(`at failHere \\(${FIXTURE}:${throwLine}:\\d+\\)$`));
    assert.match(frames[2] ?? "", new RegExp(`\\(${FIXTURE}:${callLine}:\\d+\\)$`));

    const plain = (await invoke(entry)).invocations[0]?.result.body ?? "";
    assert.match(plain.split("\n")[1] ?? "", /app\.cjs:\d+:\d+\)$/);
    assert.doesNotMatch(plain, /codeCachedHandler\.ts/);
  });

  it("warns at build time when the Node building it is not the one the functions run", () => {
    assert.equal(codeCacheNodeWarning(`v${LAMBDA_NODE_MAJOR}.11.1`), undefined);
    const warning = codeCacheNodeWarning(`v${LAMBDA_NODE_MAJOR - 2}.20.2`);
    assert.match(warning ?? "", new RegExp(`Node v${LAMBDA_NODE_MAJOR - 2}\\.20\\.2.*nodejs${LAMBDA_NODE_MAJOR}\\.x`));
  });
});
