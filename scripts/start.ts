// npm start: the API and the worker in one process, on one database and one cloud.
import { loadConfig } from "@fastier/config";
import { closeOnSignals, exitOnStartFailure, openRuntime } from "@fastier/runtime";
import pino from "pino";
import { loggerOptions } from "../apps/api/src/app.ts";
import { startApi } from "../apps/api/src/startApi.ts";
import { startupBanner } from "../apps/api/src/startup/banner.ts";
import { prepareFirstRun } from "../apps/api/src/startup/firstRun.ts";
import { startWorker } from "../apps/worker/src/startWorker.ts";

async function main() {
  const config = loadConfig();
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions);
  const runtime = await openRuntime(config, log);
  const { app, url } = await startApi(runtime, config);
  // First-run data before the worker, so its first scheduled sync finds the environment.
  const firstRun = await prepareFirstRun(runtime, config);
  const worker = startWorker({
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    log,
    syncIntervalSeconds: config.syncIntervalSeconds,
  });
  closeOnSignals(log, [() => worker.stop(), () => app.close(), () => runtime.close()]);
  process.stdout.write(startupBanner({ url, config, database: runtime.database.source, worker: true, ...firstRun }));
}

main().catch(exitOnStartFailure("Fastier Control Plane"));
