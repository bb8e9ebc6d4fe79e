import type { LoadResult } from "./loadTest.ts";
import type { CpuPerRequest } from "./requestCpu.ts";

/** At full load the app must reach this share of the bare route's throughput. */
export const TARGET_RATIO = 0.85;
/** At half the bare route's capacity, the app's p99 may be at most this many times the bare route's. */
export const TARGET_P99_RATIO_AT_RATE = 1.3;

/** Both targets at one fixed rate, in the same run. */
export interface FixedRateResults {
  requestsPerSecond: number;
  app: LoadResult;
  bare: LoadResult;
}

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

export function printReport(
  context: ReportContext,
  app: LoadResult,
  bare: LoadResult,
  fixedRate: FixedRateResults,
  cpu: CpuPerRequest[],
  /** The 1-minute load average when measuring started and when it ended. */
  loadAverages: [number, number],
): void {
  const ratio = app.requestsPerSecond / bare.requestsPerSecond;
  const p99Ratio = fixedRate.app.latencyP99Ms / fixedRate.bare.latencyP99Ms;
  const rate = `at ${fixedRate.requestsPerSecond.toFixed(0)} req/s`;
  const measured: { result: LoadResult; label: string }[] = [
    { result: app, label: app.label },
    { result: bare, label: bare.label },
    { result: fixedRate.app, label: `${fixedRate.app.label} ${rate}` },
    { result: fixedRate.bare, label: `${fixedRate.bare.label} ${rate}` },
  ];
  const rows = measured.map(({ result, label }) => [
    label,
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
    "like for like: both targets send the same SQL statement (same columns, a page of 50), answer 50 rows,",
    "      and log nothing; the app adds auth, the rate limiter, validation, row mapping, the cursor and its schema",
    `load: ${context.connections} connections, ${context.durationSeconds} s measured per target in 2 s turns after a ` +
      `${context.warmUpSeconds} s warm-up,`,
    "      from a worker thread of this process; PostgreSQL runs on the same machine and shares its CPUs",
    `machine load average (1 min) from other work: ${loadAverages.map((value) => value.toFixed(1)).join(" → ")}`,
    `app rate limiter: ${context.rateLimit}`,
    "",
    ...table(["target", "req/s", "p50 ms", "p99 ms", "max ms", "requests", "errors", "non-2xx"], rows),
    "",
    ...cpu.map(
      (target) =>
        `CPU ms per 1,000 in-process requests, ${target.label}: ${target.cpuMsPerThousand.toFixed(0)} ` +
        `(median of ${target.batches.map((batch) => batch.toFixed(0)).join(", ")})`,
    ),
    `CPU per request, app ÷ bare: ${cpuRatio(cpu).toFixed(2)}  (the app's own work; load moves it little)`,
    "",
    `ratio app ÷ bare req/s: ${ratio.toFixed(2)}  (target ≥ ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)})`,
    `p99 ${rate} (half the bare route's capacity), app ÷ bare: ${fixedRate.app.latencyP99Ms.toFixed(1)} ms ÷ ` +
      `${fixedRate.bare.latencyP99Ms.toFixed(1)} ms = ${p99Ratio.toFixed(2)}  ` +
      `(target ≤ ${TARGET_P99_RATIO_AT_RATE}: ${verdict(p99Ratio <= TARGET_P99_RATIO_AT_RATE)})`,
  ];
  console.log(lines.join("\n"));
}

const cpuRatio = ([app, bare]: CpuPerRequest[]) =>
  (app?.cpuMsPerThousand ?? Number.NaN) / (bare?.cpuMsPerThousand ?? 1);

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
