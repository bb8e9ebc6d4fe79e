export { createSimCloud, type SimCloudOptions } from "./createSimCloud.ts";
export type { InstanceSize } from "./instanceCatalog.ts";
export {
  type DbWorkload,
  dailyLoadShape,
  dbConnections,
  dbCpuPercent,
  dbFreeableMemoryBytes,
  instanceMemoryUsedGiB,
  LOAD_MODEL,
  memUsedPercent,
  replicaLagSeconds,
  trafficBurst,
  webCpuPercent,
  webWorkingSetGiB,
} from "./loadModel.ts";
export {
  createManualClock,
  createScaledClock,
  type ManualClock,
  type ScaledClockOptions,
  type SimClock,
} from "./simClock.ts";
export { restoreDurationMs } from "./simDatabases.ts";
