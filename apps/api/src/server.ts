// npm run start:api: the API alone (npm start runs it together with the worker).
import { loadConfig } from "@fastier/config";
import { closeOnSignals, createLogger, exitOnStartFailure, openRuntime } from "@fastier/runtime";
import { startApi } from "./startApi.ts";
import { startupBanner } from "./startup/banner.ts";
import { prepareFirstRun } from "./startup/firstRun.ts";

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log);
  const { app, url } = await startApi(runtime, config);
  closeOnSignals(log, [() => app.close(), () => runtime.close()]);
  // After listen, so that a failure to start cannot swallow the one-time key.
  const firstRun = await prepareFirstRun(runtime, config);
  process.stdout.write(startupBanner({ url, config, database: runtime.database.source, worker: false, ...firstRun }));
}

main().catch(exitOnStartFailure("Fastier Control Plane"));
