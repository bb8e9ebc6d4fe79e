// npm start: the API and the worker in one process, on one database and one cloud.
import { createLogger, createProcessLifecycle, loadConfigOrExit, openRuntime } from "@fastier/runtime";
import { startApi } from "../apps/api/src/startApi.ts";
import { startupBanner } from "../apps/api/src/startup/banner.ts";
import { prepareFirstRun } from "../apps/api/src/startup/firstRun.ts";
import { startWorkerOn } from "../apps/worker/src/startWorker.ts";

const config = loadConfigOrExit("Fastier Control Plane");
const log = createLogger(config.logLevel);
const lifecycle = createProcessLifecycle(log);

async function main() {
  const runtime = await openRuntime(config, log);
  lifecycle.onShutdown("database", () => runtime.close());
  const { app, url, dashboardUrl } = await startApi(runtime, config);
  lifecycle.onShutdown("api", () => app.close());
  // First-run data before the worker, so its first scheduled sync finds the environment.
  const firstRun = await prepareFirstRun(runtime, config);
  const worker = startWorkerOn(runtime, config, log);
  lifecycle.onShutdown("worker", () => worker.stop());
  lifecycle.started();
  process.stdout.write(
    startupBanner({ url, dashboardUrl, config, database: runtime.database, worker: true, ...firstRun }),
  );
}

main().catch(lifecycle.failedToStart("Fastier Control Plane"));
