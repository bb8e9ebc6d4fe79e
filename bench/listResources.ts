// npm run bench: GET /v1/resources under load, against a bare Fastify + pg route reading the same page.

import os from "node:os";
import { startBenchProcess } from "./benchProcess.ts";
import { readBenchSettings, WARM_UP_SECONDS } from "./benchSettings.ts";
import { BENCH_RATE_LIMITS, checkTarget, expectedPageSize, startAppTarget, startBareTarget } from "./benchTargets.ts";
import { type LoadResult, measureAtRate, measureTarget } from "./loadTest.ts";
import { printReport } from "./printReport.ts";
import { seedBenchData } from "./seedBenchData.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

const { log, cleanup, finish } = startBenchProcess("bench");
const settings = readBenchSettings();

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
  // Both at half what the bare route just managed: the app's latency when neither target queues.
  const fixedRate = { ...load, requestsPerSecond: bareResult.requestsPerSecond / 2 };
  const atRate: LoadResult[] = [];
  for (const target of [app, bare]) {
    log(`measuring ${target.label} at ${fixedRate.requestsPerSecond.toFixed(0)} req/s ...`);
    atRate.push(await measureAtRate(target, fixedRate));
  }
  const [appAtRate, bareAtRate] = atRate as [LoadResult, LoadResult];
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
  );
  const failed = [...results, ...atRate].filter((result) => result.errors + result.non2xx > 0);
  for (const result of failed) {
    log(
      `FAILED: ${result.label} had ${result.errors} errors (${result.timeouts} of them timeouts), ${result.non2xx} non-2xx`,
    );
  }
  return failed.length === 0;
}

await finish(run);
