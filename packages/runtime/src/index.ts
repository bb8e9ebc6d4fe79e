export { createSweepRunner, type SweepRunner, sweepSettingsOf } from "./healthSweeps.ts";
export {
  DatabaseSecretError,
  databaseUrlFromSecret,
  type LambdaRuntime,
  lazily,
  openLambdaRuntime,
  resolveDatabaseUrl,
} from "./lambdaRuntime.ts";
export { createLogger, loggerOptions } from "./logger.ts";
export { openRuntime, type Runtime } from "./openRuntime.ts";
export { createProcessLifecycle, loadConfigOrExit, type ProcessLifecycle } from "./processLifecycle.ts";
