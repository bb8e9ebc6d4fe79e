export { createSimCloud, type SimCloudOptions } from "./createSimCloud.ts";
export { FAULTY_RELEASE, FAULTY_REVISION_PREFIX } from "./faultyReleases.ts";
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
export { FAIL_REPLACEMENT_TAG, HEALTH_CHECK_GRACE_MS } from "./simInstanceReplacement.ts";
export type { PlainGroupSeed } from "./simPlainGroups.ts";
