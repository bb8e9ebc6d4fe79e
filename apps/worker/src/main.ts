// npm run start:worker: the worker alone (npm start runs it together with the API).
import { loadConfig } from "@fastier/config";
import { closeOnSignals, createLogger, exitOnStartFailure, openRuntime } from "@fastier/runtime";
import { startWorkerOn } from "./startWorker.ts";

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log);
  const worker = startWorkerOn(runtime, config, log);
  closeOnSignals(log, [() => worker.stop(), () => runtime.close()]);
}

main().catch(exitOnStartFailure("The Fastier worker"));
