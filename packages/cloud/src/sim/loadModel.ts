import { ec2Size, rdsSize } from "./instanceCatalog.ts";
import { hashString, prefixHash, unitHash } from "./keyedRandom.ts";
import { HOUR, MINUTE } from "./simTime.ts";

/**
 * Fastier's load, as a pure function of time. The web app's working set is
 * shared by the instances in service, while each instance also carries a fixed
 * OS/runtime overhead; so adding instances lowers memory per instance, which
 * is what the control plane's scale-out recommendations rely on.
 *
 * Calibration (t3.medium, 4 GiB, at the 17:00 UTC peak / 05:00 UTC trough):
 * 2 instances ≈ 90% / 62%, 3 ≈ 69% / 50%, 4 ≈ 59% / 45%.
 */
export const LOAD_MODEL = {
  /** When the daily cycle peaks: late afternoon UTC (US morning, European evening). */
  peakHourUtc: 17,
  /** Working set of the app across the group at the daily trough. */
  baseWorkingSetGiB: 2.72,
  /** Added at the daily peak. */
  dailyWorkingSetGiB: 2.24,
  /** OS, CloudWatch agent, gunicorn master and imports: paid once per instance. */
  instanceOverheadGiB: 1.12,
  /** Occasional traffic peaks (a newsletter, a launch): chance per 4-hour slot, size range. */
  burstSlotMs: 4 * HOUR,
  burstChance: 0.35,
  burstGiB: { min: 0.2, max: 0.4 },
  burstMinutes: { min: 20, max: 60 },
  /** Uneven balancing between instances, as a fraction of used memory (±). */
  instanceSkew: 0.02,
  /** Minute-to-minute noise per instance, in GiB (±). */
  minuteJitterGiB: 0.04,
} as const;

const GIB = 1024 ** 3;

/** 0 at the daily trough, 1 at the peak; squared so the busy period is a few hours, not half the day. */
export function dailyLoadShape(timeMs: number): number {
  const hours = (((timeMs / HOUR) % 24) + 24) % 24;
  const angle = (2 * Math.PI * (hours - LOAD_MODEL.peakHourUtc)) / 24;
  return ((1 + Math.cos(angle)) / 2) ** 2;
}

/**
 * Intensity (0..1) of an occasional traffic peak at `timeMs`. Each 4-hour slot
 * may hold one, placed and sized by a hash of the slot, so every process and
 * every replay sees the same peaks.
 */
export function trafficBurst(timeMs: number): number {
  const slot = Math.floor(timeMs / LOAD_MODEL.burstSlotMs);
  const burst = burstOfSlot(slot);
  if (!burst) return 0;
  const into = timeMs - burst.start;
  if (into < 0 || into > burst.duration) return 0;
  const ramp = 5 * MINUTE;
  const shape = Math.min(1, into / ramp, (burst.duration - into) / ramp);
  return shape * burst.size;
}

interface SlotBurst {
  start: number;
  duration: number;
  size: number;
}

/** Metrics ask about the same few slots millions of times: each slot's draws are made once. */
const burstsBySlot = boundedCache<number, SlotBurst | null>(4096);

function burstOfSlot(slot: number): SlotBurst | null {
  return burstsBySlot(slot, () => {
    if (unitHash(`burst:${slot}`) >= LOAD_MODEL.burstChance) return null;
    const { min, max } = LOAD_MODEL.burstMinutes;
    const duration = (min + (max - min) * unitHash(`burst-length:${slot}`)) * MINUTE;
    const latestStart = LOAD_MODEL.burstSlotMs - duration;
    const start = slot * LOAD_MODEL.burstSlotMs + latestStart * unitHash(`burst-start:${slot}`);
    return { start, duration, size: 0.5 + 0.5 * unitHash(`burst-size:${slot}`) };
  });
}

/** What the model draws per instance: its skew, once, and the hashers of its per-minute noise. */
interface InstanceDraws {
  skew: number;
  memoryNoise: (minute: string) => number;
  cpuNoise: (minute: string) => number;
}

const drawsByInstance = boundedCache<string, InstanceDraws>(100_000);

function instanceDraws(instanceId: string): InstanceDraws {
  return drawsByInstance(instanceId, () => ({
    skew: 1 + (unitHash(`skew:${instanceId}`) - 0.5) * 2 * LOAD_MODEL.instanceSkew,
    memoryNoise: prefixHash(`mem:${instanceId}:`),
    cpuNoise: prefixHash(`cpu:${instanceId}:`),
  }));
}

/** A memo that forgets everything once it holds `limit` entries, so a long-running process stays bounded. */
function boundedCache<K, V>(limit: number): (key: K, compute: () => V) => V {
  const entries = new Map<K, V>();
  return (key, compute) => {
    if (entries.has(key)) return entries.get(key) as V;
    if (entries.size >= limit) entries.clear();
    const value = compute();
    entries.set(key, value);
    return value;
  };
}

/** The app's working set across the whole group, in GiB. */
export function webWorkingSetGiB(timeMs: number): number {
  const { min, max } = LOAD_MODEL.burstGiB;
  const burst = trafficBurst(timeMs);
  const burstGiB = burst === 0 ? 0 : min + (max - min) * burst;
  return LOAD_MODEL.baseWorkingSetGiB + LOAD_MODEL.dailyWorkingSetGiB * dailyLoadShape(timeMs) + burstGiB;
}

/**
 * Memory one in-service instance uses: its share of the working set plus the
 * overhead. With an instance id, that instance's small, stable imbalance and
 * per-minute noise are added, so a group's Maximum sits a little above its Average.
 */
export function instanceMemoryUsedGiB(timeMs: number, inServiceCount: number, instanceId?: string): number {
  const share = webWorkingSetGiB(timeMs) / Math.max(1, inServiceCount);
  const used = LOAD_MODEL.instanceOverheadGiB + share;
  if (!instanceId) return used;
  const draws = instanceDraws(instanceId);
  const minute = String(Math.floor(timeMs / MINUTE));
  const jitter = (draws.memoryNoise(minute) / 0x1_0000_0000 - 0.5) * 2 * LOAD_MODEL.minuteJitterGiB;
  return used * draws.skew + jitter;
}

/** CWAgent `mem_used_percent` of one instance; an instance cannot use more than it has. */
export function memUsedPercent(
  timeMs: number,
  inServiceCount: number,
  instanceType: string | null,
  instanceId?: string,
): number {
  const used = instanceMemoryUsedGiB(timeMs, inServiceCount, instanceId);
  return Math.min(99.5, (used / ec2Size(instanceType).memoryGiB) * 100);
}

/** AWS/EC2 `CPUUtilization` of one in-service instance: request work is shared like memory. */
export function webCpuPercent(
  timeMs: number,
  inServiceCount: number,
  instanceType: string | null,
  instanceId?: string,
): number {
  // Group demand in "percent of one 2-vCPU instance".
  const demand = 50 + 90 * dailyLoadShape(timeMs) + 100 * trafficBurst(timeMs);
  const noise = instanceId
    ? (instanceDraws(instanceId).cpuNoise(String(Math.floor(timeMs / MINUTE))) / 0x1_0000_0000 - 0.5) * 6
    : 0;
  const perInstance = (demand / Math.max(1, inServiceCount)) * (2 / ec2Size(instanceType).vcpus) + 4 + noise;
  return clampPercent(perInstance);
}

/** What a database instance is doing, which decides its load. */
export type DbWorkload = "writer" | "reader" | "idle";

/** AWS/RDS `DatabaseConnections`: each web instance keeps a pool to the writer; readers serve reporting. */
export function dbConnections(timeMs: number, workload: DbWorkload, webInstances: number): number {
  const shape = dailyLoadShape(timeMs);
  if (workload === "writer") return Math.round(webInstances * (6 + 14 * shape) + 4);
  if (workload === "reader") return Math.round(2 + 8 * shape);
  return 0;
}

/** AWS/RDS `FreeableMemory` in bytes: shared buffers and the OS take a fixed part, connections and sorts the rest. */
export function dbFreeableMemoryBytes(
  timeMs: number,
  instanceClass: string,
  workload: DbWorkload,
  webInstances: number,
): number {
  const memoryGiB = rdsSize(instanceClass).memoryGiB;
  const shape = dailyLoadShape(timeMs);
  const workingGiB = workload === "idle" ? 0 : memoryGiB * 0.12 * shape;
  const connectionsGiB = dbConnections(timeMs, workload, webInstances) * (8 / 1024);
  const freeGiB = memoryGiB * 0.45 - workingGiB - connectionsGiB;
  return Math.round(Math.max(0.05 * memoryGiB, freeGiB) * GIB);
}

/** AWS/RDS `CPUUtilization`. */
export function dbCpuPercent(timeMs: number, instanceClass: string, workload: DbWorkload): number {
  const shape = dailyLoadShape(timeMs);
  const base =
    workload === "writer" ? 12 + 38 * shape + 30 * trafficBurst(timeMs) : workload === "reader" ? 6 + 14 * shape : 2;
  return clampPercent(base * (2 / rdsSize(instanceClass).vcpus));
}

/** AWS/RDS `ReplicaLag` in seconds: well under a few seconds, a little more when the writer is busy. */
export function replicaLagSeconds(timeMs: number, identifier: string): number {
  const minute = Math.floor(timeMs / MINUTE);
  const noise = (hashString(`lag:${identifier}:${minute}`) % 1000) / 1000;
  return Math.round((0.05 + 0.8 * dailyLoadShape(timeMs) + 2 * trafficBurst(timeMs) + 0.3 * noise) * 100) / 100;
}

const clampPercent = (value: number) => Math.min(100, Math.max(0, value));
