// Runs a built Lambda bundle the way Lambda does: a fresh `node` (no tsx) imports
// index.mjs once, then calls one exported handler per event, in order, with a
// fake context. Used by test/lambdaBundles.test.ts and bench/coldStart.ts.
import { spawn } from "node:child_process";

export interface Invocation<T = unknown> {
  result: T;
  /** Time of the call, from before the handler is called until its promise settles. */
  ms: number;
  /** CPU time (user + system) the process spent meanwhile: what load on the machine moves least. */
  cpuMs: number;
}

export interface InvokeOutcome<T = unknown> {
  /** Time to import the bundle (what Lambda's init phase does). */
  importMs: number;
  /** CPU time of the import. */
  importCpuMs: number;
  invocations: Invocation<T>[];
  /** Everything the process wrote (its logs), for failure messages. */
  output: string;
}

export interface InvokeOptions {
  /** getRemainingTimeInMillis() at the start of each invocation (the function's timeout); one per event, or one for all. */
  timeoutMs?: number | number[];
  /** How long the whole child process may take. */
  processTimeoutMs?: number;
}

const RESULT_MARKER = "@@fastier-invoke-result@@";

// Plain JavaScript: the child is plain node, as on Lambda.
const CHILD = `
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
const [bundle, exportName, eventsJson, timeoutsJson] = process.argv.slice(1);
const events = JSON.parse(eventsJson);
const timeouts = JSON.parse(timeoutsJson);
const cpuMsSince = (start) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};
const importStarted = performance.now();
const importCpu = process.cpuUsage();
const module = await import(pathToFileURL(bundle).href);
const importMs = performance.now() - importStarted;
const importCpuMs = cpuMsSince(importCpu);
const handler = module[exportName];
if (typeof handler !== "function") throw new Error(\`\${bundle} exports no handler \${exportName}\`);
const invocations = [];
for (const [index, event] of events.entries()) {
  const deadline = Date.now() + timeouts[index];
  const context = {
    awsRequestId: randomUUID(),
    functionName: "test",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await handler(event, context);
  invocations.push({ result, ms: performance.now() - started, cpuMs: cpuMsSince(cpu) });
}
// The pool keeps the event loop alive (Lambda would freeze the container here), so exit, but only
// once the answer is flushed: stdout to a pipe is asynchronous and exit would cut it short.
process.stdout.write("\\n${RESULT_MARKER}" + JSON.stringify({ importMs, importCpuMs, invocations }) + "\\n", () => process.exit(0));
`;

export function invokeBundle<T = unknown>(
  bundleFile: string,
  exportName: string,
  events: unknown[],
  env: NodeJS.ProcessEnv,
  options: InvokeOptions = {},
): Promise<InvokeOutcome<T>> {
  const timeouts = events.map((_, index) =>
    Array.isArray(options.timeoutMs) ? (options.timeoutMs[index] ?? 30_000) : (options.timeoutMs ?? 30_000),
  );
  const args = ["--input-type=module", "-e", CHILD, bundleFile, exportName, JSON.stringify(events)];
  args.push(JSON.stringify(timeouts));
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`${exportName} did not finish within ${options.processTimeoutMs ?? 60_000} ms:\n${readable(output)}`),
      );
    }, options.processTimeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = output.split("\n").find((candidate) => candidate.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(new Error(`${exportName} exited with ${code}:\n${readable(output)}`));
        return;
      }
      const parsed = JSON.parse(line.slice(RESULT_MARKER.length)) as Omit<InvokeOutcome<T>, "output">;
      resolve({ ...parsed, output });
    });
  });
}

/** Node prints the failing line of a minified bundle in full (megabytes): keep failure messages short. */
function readable(output: string): string {
  const lines = output.split("\n").map((line) => (line.length > 400 ? `${line.slice(0, 400)} …` : line));
  return lines.slice(-60).join("\n");
}

/** An API Gateway HTTP API (payload format 2.0) request event. */
export function httpApiEvent(method: string, rawPath: string, headers: Record<string, string> = {}, body?: unknown) {
  const [path = "/", rawQueryString = ""] = rawPath.split("?", 2);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString,
    ...(rawQueryString && { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }),
    headers: {
      accept: "application/json",
      "user-agent": "fastier-lambda-test",
      ...(body !== undefined && { "content-type": "application/json" }),
      ...headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "fastier",
      domainName: "fastier.execute-api.us-east-1.amazonaws.com",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "198.51.100.7", userAgent: "fastier-lambda-test" },
      requestId: `req-${Math.random().toString(36).slice(2, 12)}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/** An EventBridge scheduled event. */
export function scheduledEvent(ruleName: string) {
  return {
    version: "0",
    id: `evt-${Math.random().toString(36).slice(2, 12)}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:events:us-east-1:123456789012:rule/${ruleName}`],
    detail: {},
  };
}
