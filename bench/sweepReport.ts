import type { FleetMeasurement, SweepMeasurement } from "./measureFleetSweeps.ts";
import { SWEEP_TARGET_MS } from "./sweepBenchSettings.ts";

const QUERIES_PER_CALL = 500;
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
 * The target is for the sweep the worker runs every five minutes: the steady
 * state. The first sweep also backfills the whole hour-long window (twelve
 * times the samples), which happens once after a start or a long outage.
 */
export const metTarget = (fleet: FleetMeasurement) => sweepOf(fleet, "steady").wallMs < SWEEP_TARGET_MS;

export function printSweepReport(context: SweepReportContext, large: FleetMeasurement, small: FleetMeasurement): void {
  const first = sweepOf(large, "first");
  const steady = sweepOf(large, "steady");
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
          String(sweep.run.findingsOpened),
          heapGrowthMb(sweep).toFixed(1),
          (sweep.memory.peakRssBytes / MB).toFixed(0),
          sweep.run.status,
        ]),
      ),
    ),
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
    `target: a steady-state sweep of ${large.instances} instances under ${SWEEP_TARGET_MS / 1000} s wall time: ` +
      `${metTarget(large) ? "MET" : "MISSED"} (${(steady.wallMs / 1000).toFixed(2)} s)`,
    `        first sweep (backfills the whole window, ${first.run.samplesWritten} samples): ` +
      `${(first.wallMs / 1000).toFixed(2)} s, ${first.wallMs < SWEEP_TARGET_MS ? "under" : "over"} the target`,
  ];
  console.log(lines.join("\n"));
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const format = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)));
  return [header, ...rows].map((row) => format(row).join("  "));
}
