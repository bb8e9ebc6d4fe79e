// npm run start:api: the API alone (npm start runs it together with the worker).
import { createLogger, createProcessLifecycle, loadConfigOrExit, openRuntime } from "@fastier/runtime";
import { startApi } from "./startApi.ts";
import { startupBanner } from "./startup/banner.ts";
import { prepareFirstRun } from "./startup/firstRun.ts";

const config = loadConfigOrExit("Fastier Control Plane");
const log = createLogger(config.logLevel);
const lifecycle = createProcessLifecycle(log);

async function main() {
  const runtime = await openRuntime(config, log);
  lifecycle.onShutdown("database", () => runtime.close());
  const { app, url, dashboardUrl } = await startApi(runtime, config);
  lifecycle.onShutdown("api", () => app.close());
  lifecycle.started();
  // After listen, so that a failure to start cannot swallow the one-time key.
  const firstRun = await prepareFirstRun(runtime, config);
  process.stdout.write(
    startupBanner({ url, dashboardUrl, config, database: runtime.database, worker: false, ...firstRun }),
  );
}

main().catch(lifecycle.failedToStart("Fastier Control Plane"));
