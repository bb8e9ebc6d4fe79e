// npm run start:worker: the worker alone (npm start runs it together with the API).
import { loadConfig } from "@fastier/config";
import { closeOnSignals, exitOnStartFailure, openRuntime } from "@fastier/runtime";
import pino from "pino";
import { startWorker } from "./startWorker.ts";

async function main() {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, ...(process.stdout.isTTY && { transport: { target: "pino-pretty" } }) });
  const runtime = await openRuntime(config, log);
  const worker = startWorker({
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    log,
    syncIntervalSeconds: config.syncIntervalSeconds,
  });
  closeOnSignals(log, [() => worker.stop(), () => runtime.close()]);
}

main().catch(exitOnStartFailure("The Fastier worker"));
