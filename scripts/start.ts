// npm start: the API and the worker in one process, on one database and one cloud.
import { loadConfig } from "@fastier/config";
import { closeOnSignals, createLogger, exitOnStartFailure, openRuntime } from "@fastier/runtime";
import { startApi } from "../apps/api/src/startApi.ts";
import { startupBanner } from "../apps/api/src/startup/banner.ts";
import { prepareFirstRun } from "../apps/api/src/startup/firstRun.ts";
import { startWorkerOn } from "../apps/worker/src/startWorker.ts";

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log);
  const { app, url } = await startApi(runtime, config);
  // First-run data before the worker, so its first scheduled sync finds the environment.
  const firstRun = await prepareFirstRun(runtime, config);
  const worker = startWorkerOn(runtime, config, log);
  closeOnSignals(log, [() => worker.stop(), () => app.close(), () => runtime.close()]);
  process.stdout.write(startupBanner({ url, config, database: runtime.database.source, worker: true, ...firstRun }));
}

main().catch(exitOnStartFailure("Fastier Control Plane"));
