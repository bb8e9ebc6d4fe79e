// npm run bench: GET /v1/resources under load, against a bare Fastify + pg route reading the same page.

import os from "node:os";
import { startBenchProcess } from "./benchProcess.ts";
import { readBenchSettings, WARM_UP_SECONDS } from "./benchSettings.ts";
import { BENCH_RATE_LIMITS, checkTarget, expectedPageSize, startAppTarget, startBareTarget } from "./benchTargets.ts";
import { type LoadResult, measurePaired } from "./loadTest.ts";
import { printReport } from "./printReport.ts";
import { measureCpuPerRequest } from "./requestCpu.ts";
import { seedBenchData } from "./seedBenchData.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

const { log, cleanup, finish } = startBenchProcess("bench");
/** Alternating batches of 1,000 in-process requests per target for the CPU figure. */
const CPU_ROUNDS = 7;
const settings = readBenchSettings();

async function run(): Promise<boolean> {
  const database = await openThrowawayDatabase(settings.databaseUrl, cleanup, log);
  const seedStarted = performance.now();
  const data = await seedBenchData(database.url, settings.resources);
  log(`seeded ${data.resources} resources in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const app = await startAppTarget(database.url, settings.poolMax, data.apiKey, cleanup);
  const bare = await startBareTarget(database.url, settings.poolMax, cleanup);
  for (const target of [app, bare]) await checkTarget(target, expectedPageSize(data.resources));

  const loadAverageBefore = os.loadavg()[0] as number;
  log("measuring CPU time per request (in-process requests, alternating batches) ...");
  const cpu = await measureCpuPerRequest([app, bare], CPU_ROUNDS);
  const load = {
    connections: settings.connections,
    warmUpSeconds: WARM_UP_SECONDS,
    durationSeconds: settings.durationSeconds,
  };
  log(`measuring ${app.label} and ${bare.label} in turns ...`);
  const [appResult, bareResult] = (await measurePaired([app, bare], load)) as [LoadResult, LoadResult];
  // Both at half what the bare route just managed: the app's latency when neither target queues.
  const fixedRate = { ...load, requestsPerSecond: bareResult.requestsPerSecond / 2 };
  log(`measuring both at ${fixedRate.requestsPerSecond.toFixed(0)} req/s, in turns ...`);
  const [appAtRate, bareAtRate] = (await measurePaired([app, bare], fixedRate)) as [LoadResult, LoadResult];
  const results = [appResult, bareResult, appAtRate, bareAtRate];
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
      rateLimit:
        `on, counting every request; the bench key may make ${BENCH_RATE_LIMITS.perKeyPerMinute} a minute ` +
        `(RATE_LIMIT_PER_KEY_PER_MINUTE; default 600, which this load would exceed)`,
    },
    appResult,
    bareResult,
    { requestsPerSecond: fixedRate.requestsPerSecond, app: appAtRate, bare: bareAtRate },
    cpu,
    [loadAverageBefore, os.loadavg()[0] as number],
  );
  const failed = results.filter((result) => result.errors + result.non2xx > 0);
  for (const result of failed) {
    log(
      `FAILED: ${result.label} had ${result.errors} errors (${result.timeouts} of them timeouts), ${result.non2xx} non-2xx`,
    );
  }
  return failed.length === 0;
}

await finish(run);
