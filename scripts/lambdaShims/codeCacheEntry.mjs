// The API function's handler file: `npm run build:lambda` copies this to dist/lambda/api/index.mjs,
// beside the bundled code (app.cjs) and the V8 code cache the build made for it (app.cjs.cache).
// Importing an ES module always compiles its source: V8 parsing the 3.7 MB bundle was the largest
// part of a cold start. A CommonJS script compiled through `vm.Script` can start from a code cache
// instead: the bytecode of every function the build's warm-up ran, so those are not compiled again.
// V8 takes a cache only from the same V8 version and flags; it rejects any other (another Node
// version) and compiles from source, as without a cache, after one warning line in the log.
import { readFileSync } from "node:fs";
import { createRequire, SourceMap } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const directory = dirname(fileURLToPath(import.meta.url));
const filename = join(directory, "app.cjs");

function readCodeCache() {
  try {
    return readFileSync(`${filename}.cache`);
  } catch (error) {
    if (error?.code === "ENOENT") return undefined;
    throw error;
  }
}

// app.cjs is CommonJS's wrapper function, written by the build (scripts/lambdaCodeCache.ts).
const script = new Script(readFileSync(filename, "utf8"), { filename, cachedData: readCodeCache() });
if (script.cachedDataRejected) {
  // pino's shape, so CloudWatch gets one JSON object per line like every other log line.
  const message = `V8 rejected ${filename}.cache (made by another Node.js version?): compiled from source`;
  process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: message, node: process.version })}\n`);
}
if (process.sourceMapsEnabled) mapStackTraces();
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, createRequire(filename), bundled, filename, directory);

export const handler = bundled.exports.handler;

/** The code cache as of now: the build calls it after a warm-up, so the functions it ran are in it. */
export const createCodeCache = () => script.createCachedData();

/**
 * NODE_OPTIONS=--enable-source-maps maps the frames of modules Node loads itself, not those of a
 * `vm.Script`: this maps the bundle's frames to the TypeScript they came from (app.cjs.map). The
 * 4 MB map is read at the first stack trace through the bundle, not at every cold start.
 */
function mapStackTraces() {
  let sourceMap;
  const entryAt = (site) => {
    if (site?.getFileName() !== filename) return undefined;
    sourceMap ??= new SourceMap(JSON.parse(readFileSync(`${filename}.map`, "utf8")));
    const entry = sourceMap.findEntry(site.getLineNumber() - 1, site.getColumnNumber() - 1);
    return entry?.originalSource ? entry : undefined;
  };
  const frame = (site, caller) => {
    const entry = entryAt(site);
    if (!entry) return String(site);
    // As Node names mapped frames: the callee's name as the caller's call wrote it, not its minified one.
    const name = entryAt(caller)?.name ?? site.getFunctionName() ?? "<anonymous>";
    return `${name} (${resolve(directory, entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1})`;
  };
  Error.prepareStackTrace = (error, sites) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = "Error";
    }
    return [header, ...sites.map((site, index) => `    at ${frame(site, sites[index + 1])}`)].join("\n");
  };
}
