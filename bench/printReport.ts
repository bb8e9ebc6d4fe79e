import type { LoadResult } from "./loadTest.ts";

/** The app must reach half the bare route's throughput with a p99 of at most 25 ms. */
export const TARGET_RATIO = 0.5;
export const TARGET_P99_MS = 25;

export interface ReportContext {
  cpus: number;
  cpuModel: string;
  nodeVersion: string;
  databaseSource: string;
  resources: number;
  connections: number;
  warmUpSeconds: number;
  durationSeconds: number;
  poolMax: number;
  /** How the app's rate limiter is configured for the run. */
  rateLimit: string;
}

export function printReport(context: ReportContext, app: LoadResult, bare: LoadResult): void {
  const ratio = app.requestsPerSecond / bare.requestsPerSecond;
  const rows = [app, bare].map((result) => [
    result.label,
    result.requestsPerSecond.toFixed(0),
    result.latencyP50Ms.toFixed(1),
    result.latencyP99Ms.toFixed(1),
    result.latencyMaxMs.toFixed(1),
    String(result.requests),
    String(result.errors),
    String(result.non2xx),
  ]);
  const lines = [
    `machine: ${context.cpus} CPUs (${context.cpuModel}), Node ${context.nodeVersion}`,
    `database: ${context.databaseSource}, ${context.resources} resources, pool of ${context.poolMax} per target`,
    `load: ${context.connections} connections, ${context.durationSeconds} s measured after a ${context.warmUpSeconds} s warm-up,`,
    "      from a worker thread of this process; PostgreSQL runs on the same machine and shares its CPUs",
    `app rate limiter: ${context.rateLimit}`,
    "",
    ...table(["target", "req/s", "p50 ms", "p99 ms", "max ms", "requests", "errors", "non-2xx"], rows),
    "",
    `ratio app ÷ bare req/s: ${ratio.toFixed(2)}  (target ≥ ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)})`,
    `app p99: ${app.latencyP99Ms.toFixed(1)} ms  (target ≤ ${TARGET_P99_MS} ms: ${verdict(app.latencyP99Ms <= TARGET_P99_MS)})`,
  ];
  console.log(lines.join("\n"));
}

const verdict = (met: boolean) => (met ? "met" : "NOT met");

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // Text left-aligned, figures right-aligned, as a reader scans them.
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [format(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(format)];
}
