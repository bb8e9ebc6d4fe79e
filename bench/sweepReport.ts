import type { HistoryCounts } from "./activityHistory.ts";
import type { FleetMeasurement, SweepMeasurement } from "./measureFleetSweeps.ts";
import {
  FIRST_SWEEP_TARGET_MS,
  PEAK_RSS_TARGET_MB,
  STEADY_SWEEP_TARGET_MS,
  SYNC_TARGET_MS,
} from "./sweepBenchSettings.ts";

const QUERIES_PER_CALL = 500;
/** A dashboard read may take at most this many times the one query of the rows it is made from. */
const DASHBOARD_TARGET_RATIO = 2;
const MB = 1024 * 1024;

export interface SweepReportContext {
  cpus: number;
  cpuModel: string;
  nodeVersion: string;
  databaseSource: string;
}

/** GetMetricData takes up to 500 queries: a sweep needs exactly this many calls, no more. */
export const expectedCalls = (sweep: SweepMeasurement) => Math.ceil(sweep.run.metricQueries / QUERIES_PER_CALL);
export const callsAsExpected = (sweep: SweepMeasurement) => sweep.run.cloudCalls === expectedCalls(sweep);
const heapGrowthMb = (sweep: SweepMeasurement) => (sweep.memory.peakHeapBytes - sweep.memory.baselineHeapBytes) / MB;
const sweepOf = (fleet: FleetMeasurement, label: string) =>
  fleet.sweeps.find((sweep) => sweep.label === label) as SweepMeasurement;

/**
 * The steady sweep is the one the worker runs every five minutes. The first
 * sweep also backfills the whole hour-long window (twelve times the samples),
 * which happens once after a start or a long outage.
 */
const verdict = (met: boolean) => (met ? "met" : "NOT met");

export function printSweepReport(context: SweepReportContext, large: FleetMeasurement, small: FleetMeasurement): void {
  const first = sweepOf(large, "first");
  const steady = sweepOf(large, "steady");
  const peakRssMb = Math.max(first.memory.peakRssBytes, steady.memory.peakRssBytes) / MB;
  const lines = [
    `machine: ${context.cpus} CPUs (${context.cpuModel}), Node ${context.nodeVersion}`,
    `database: ${context.databaseSource}; the simulated cloud runs in this process and keeps its world in the same database`,
    "",
    "setup (not part of any sweep):",
    ...[large, small].map(
      (fleet) =>
        `  ${fleet.instances} instances in ${fleet.groups} groups: sim world of ${(fleet.worldBytes / MB).toFixed(1)} MB ` +
        `stored in ${fleet.worldMs.toFixed(0)} ms; inventory sync from the sim (${fleet.syncedResources} resources) ` +
        `${(fleet.syncMs / 1000).toFixed(1)} s`,
    ),
    "",
    ...table(
      [
        "fleet / sweep",
        "queries",
        "calls",
        "=ceil(q/500)",
        "datapoints",
        "samples written",
        "wall ms",
        "database ms",
        "cloud ms",
        "node cpu ms",
        "pg cpu ms",
        "findings opened",
        "peak heap +MB",
        "peak rss MB",
        "status",
      ],
      [large, small].flatMap((fleet) =>
        fleet.sweeps.map((sweep) => [
          `${fleet.instances} / ${sweep.label}`,
          String(sweep.run.metricQueries),
          String(sweep.run.cloudCalls),
          callsAsExpected(sweep) ? `yes (${expectedCalls(sweep)})` : `NO (${expectedCalls(sweep)})`,
          String(sweep.run.datapoints),
          String(sweep.run.samplesWritten),
          sweep.wallMs.toFixed(0),
          String(sweep.run.databaseMs),
          String(sweep.run.cloudMs),
          sweep.processCpuMs.toFixed(0),
          sweep.databaseCpuMs === null ? "-" : sweep.databaseCpuMs.toFixed(0),
          String(sweep.run.findingsOpened),
          heapGrowthMb(sweep).toFixed(1),
          (sweep.memory.peakRssBytes / MB).toFixed(0),
          sweep.run.status,
        ]),
      ),
    ),
    "(wall and database/cloud ms move with the machine's load; node cpu ms, this process's CPU during the sweep,",
    " and pg cpu ms, the CPU of the database's PostgreSQL sessions, move far less)",
    "",
    `memory, ${small.instances} vs ${large.instances} instances:`,
    `  peak heap growth over the pre-sweep baseline, sampled every 20 ms (includes garbage not yet collected):`,
    ...["first", "steady"].map(
      (label) =>
        `    ${label.padEnd(6)} sweep: ${heapGrowthMb(sweepOf(small, label)).toFixed(1)} MB vs ${heapGrowthMb(sweepOf(large, label)).toFixed(1)} MB`,
    ),
    `  live heap growth (full GC as each GetMetricData answer arrives, separate untimed sweep): ` +
      `${(small.liveHeapGrowthBytes / MB).toFixed(1)} MB vs ${(large.liveHeapGrowthBytes / MB).toFixed(1)} MB ` +
      `(${(large.liveHeapGrowthBytes / 1024 / steady.run.resources).toFixed(1)} KB per swept resource: the inventory and the query plan)`,
    "",
    `the dashboard's reads on the ${large.instances}-instance fleet, median of 7, each beside the one query of its rows,`,
    `given a month of history first (${historyLine(large.dashboard.history)}):`,
    ...large.dashboard.reads.flatMap((read) => [
      `  ${read.label}: ${read.appMs.toFixed(2)} ms vs ${read.floorMs.toFixed(2)} ms for ${read.floor} ` +
        `(${read.rows} rows) = ${(read.appMs / read.floorMs).toFixed(2)}× (target ≤ ${DASHBOARD_TARGET_RATIO}×: ` +
        `${read.appMs / read.floorMs <= DASHBOARD_TARGET_RATIO ? "met" : "NOT met"})`,
      ...(read.reference
        ? [
            `    beside ${read.reference.label}: ${read.reference.ms.toFixed(2)} ms ` +
              `(the route ${(read.appMs / read.reference.ms).toFixed(2)}×, its SQL ${(read.floorMs / read.reference.ms).toFixed(2)}×)`,
          ]
        : []),
    ]),
    "",
    `targets, ${large.instances} instances:`,
    `  steady sweep ${(steady.wallMs / 1000).toFixed(2)} s (≤ ${STEADY_SWEEP_TARGET_MS / 1000} s: ${verdict(steady.wallMs <= STEADY_SWEEP_TARGET_MS)})`,
    `  first sweep, backfilling the window (${first.run.samplesWritten} samples) ${(first.wallMs / 1000).toFixed(2)} s ` +
      `(≤ ${FIRST_SWEEP_TARGET_MS / 1000} s: ${verdict(first.wallMs <= FIRST_SWEEP_TARGET_MS)})`,
    `  peak RSS ${peakRssMb.toFixed(0)} MB (≤ ${PEAK_RSS_TARGET_MB} MB: ${verdict(peakRssMb <= PEAK_RSS_TARGET_MB)})`,
    `  inventory sync of ${large.syncedResources} resources ${(large.syncMs / 1000).toFixed(1)} s ` +
      `(≤ ${SYNC_TARGET_MS / 1000} s: ${verdict(large.syncMs <= SYNC_TARGET_MS)})`,
  ];
  console.log(lines.join("\n"));
}

const historyLine = (history: HistoryCounts) =>
  `${history.operations} operations, ${history.findings} findings, ${history.syncRuns} syncs, ` +
  `${history.sweeps} sweeps, ${history.auditEvents} audit events`;

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const format = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)));
  return [header, ...rows].map((row) => format(row).join("  "));
}
