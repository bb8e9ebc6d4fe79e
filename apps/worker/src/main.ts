// npm run start:worker: the worker alone (npm start runs it together with the API).
import { createLogger, createProcessLifecycle, loadConfigOrExit, openRuntime } from "@fastier/runtime";
import { startWorkerOn } from "./startWorker.ts";

const config = loadConfigOrExit("The Fastier worker");
const log = createLogger(config.logLevel);
const lifecycle = createProcessLifecycle(log);

async function main() {
  const runtime = await openRuntime(config, log);
  lifecycle.onShutdown("database", () => runtime.close());
  const worker = startWorkerOn(runtime, config, log);
  lifecycle.onShutdown("worker", () => worker.stop());
  lifecycle.started();
}

main().catch(lifecycle.failedToStart("The Fastier worker"));
