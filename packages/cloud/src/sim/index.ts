export { createSimCloud, type SimCloudOptions } from "./createSimCloud.ts";
export { EC2_INSTANCE_TYPES, type InstanceSize, RDS_INSTANCE_CLASSES } from "./instanceCatalog.ts";
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
