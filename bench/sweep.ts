// npm run bench:sweep: one health sweep of a 10,000-instance simulated fleet (and a 1,000-instance one for memory).
import os from "node:os";
import { withDatabase } from "@fastier/db";
import { startBenchProcess } from "./benchProcess.ts";
import { measureFleetSweeps } from "./measureFleetSweeps.ts";
import { BENCH_DEADLINE_MS, readSweepBenchSettings } from "./sweepBenchSettings.ts";
import { callsAsExpected, printSweepReport } from "./sweepReport.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

// Bounded: a sweep that hangs must not leave the bench (and its PostgreSQL) running.
const { log, cleanup, finish } = startBenchProcess("bench:sweep", { deadlineMs: BENCH_DEADLINE_MS });
const settings = readSweepBenchSettings();

async function run(): Promise<boolean> {
  // Each fleet gets its own database: a sweep covers every resource in the region.
  const first = await openThrowawayDatabase(settings.databaseUrl, cleanup, log);
  const second = await openThrowawayDatabase(withDatabase(first.url, "postgres"), cleanup, log);
  const shape = (instances: number) => ({
    groups: instances / settings.instancesPerGroup,
    instancesPerGroup: settings.instancesPerGroup,
  });
  // The small fleet first: it also warms up the JIT, as a long-running worker would be.
  const small = await measureFleetSweeps(second.url, shape(settings.compareInstances), log);
  const large = await measureFleetSweeps(first.url, shape(settings.instances), log);
  printSweepReport(
    {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model.trim() ?? "unknown CPU",
      nodeVersion: process.version,
      databaseSource: first.source,
    },
    large,
    small,
  );
  let ok = true;
  for (const fleet of [large, small]) {
    for (const sweep of fleet.sweeps) {
      const what = `${fleet.instances} instances, ${sweep.label} sweep`;
      if (!callsAsExpected(sweep)) {
        log(`FAILED: ${what} made ${sweep.run.cloudCalls} GetMetricData calls for ${sweep.run.metricQueries} queries`);
        ok = false;
      }
      // On an empty database every datapoint of the first sweep is a new sample: a miscount shows here.
      if (sweep.label === "first" && sweep.run.samplesWritten !== sweep.run.datapoints) {
        log(`FAILED: ${what} wrote ${sweep.run.samplesWritten} samples for ${sweep.run.datapoints} datapoints`);
        ok = false;
      }
      if (sweep.run.status !== "succeeded") {
        log(`FAILED: ${what} ${sweep.run.status}: ${sweep.run.error ?? JSON.stringify(sweep.run.errors.slice(0, 3))}`);
        ok = false;
      }
    }
  }
  return ok;
}

await finish(run);
