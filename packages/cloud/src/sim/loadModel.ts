import { ec2Size, type InstanceSize, rdsSize } from "./instanceCatalog.ts";
import { hashString, prefixHash, unitHash } from "./keyedRandom.ts";
import { HOUR, MINUTE } from "./simTime.ts";
import { memoByTime } from "./timeMemo.ts";

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
export const dailyLoadShape = memoByTime((timeMs) => {
  const hours = (((timeMs / HOUR) % 24) + 24) % 24;
  const angle = (2 * Math.PI * (hours - LOAD_MODEL.peakHourUtc)) / 24;
  return ((1 + Math.cos(angle)) / 2) ** 2;
});

/**
 * Intensity (0..1) of an occasional traffic peak at `timeMs`. Each 4-hour slot
 * may hold one, placed and sized by a hash of the slot, so every process and
 * every replay sees the same peaks.
 */
export const trafficBurst = memoByTime((timeMs) => {
  const slot = Math.floor(timeMs / LOAD_MODEL.burstSlotMs);
  const burst = burstOfSlot(slot);
  if (!burst) return 0;
  const into = timeMs - burst.start;
  if (into < 0 || into > burst.duration) return 0;
  const ramp = 5 * MINUTE;
  const shape = Math.min(1, into / ramp, (burst.duration - into) / ramp);
  return shape * burst.size;
});

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

/** The key of a sample's whole minute since the epoch: per-instance noise is drawn per minute. */
export const minuteKey = (timeMs: number): string => String(Math.floor(timeMs / MINUTE));

/** One instance as the model sees it: its size and its own draws, looked up once per query rather than per sample. */
export interface ModelledInstance {
  size: InstanceSize;
  draws: InstanceDraws;
}

export const modelledInstance = (instanceType: string | null, instanceId: string): ModelledInstance => ({
  size: ec2Size(instanceType),
  draws: instanceDraws(instanceId),
});

/**
 * A metric every in-service instance publishes, in two parts: what the
 * instances of a group share at a moment (the load divided among them), and
 * each instance's value from that. A group's samples then cost one evaluation
 * of the daily cycle and traffic peaks per minute, not one per instance; the
 * arithmetic is the same either way, so the values are too.
 */
export interface InstanceMetric {
  shared(timeMs: number, inServiceCount: number): number;
  /** `minute`: the sample's `minuteKey`, computed once for all the instances sampled then. */
  of(shared: number, instance: ModelledInstance, minute: string): number;
}

/** CWAgent `mem_used_percent`: the shared part is the GiB each instance uses before its own skew and noise. */
class MemoryUsedPercent implements InstanceMetric {
  shared(timeMs: number, inServiceCount: number): number {
    return LOAD_MODEL.instanceOverheadGiB + webWorkingSetGiB(timeMs) / Math.max(1, inServiceCount);
  }
  of(shared: number, instance: ModelledInstance, minute: string): number {
    return memoryPercent(ownMemoryUsedGiB(shared, instance.draws, minute), instance.size);
  }
}

/** AWS/EC2 `CPUUtilization`: the shared part is the group's demand per instance, in percent of one 2-vCPU instance. */
class CpuUtilizationPercent implements InstanceMetric {
  shared(timeMs: number, inServiceCount: number): number {
    return (50 + 90 * dailyLoadShape(timeMs) + 100 * trafficBurst(timeMs)) / Math.max(1, inServiceCount);
  }
  of(shared: number, instance: ModelledInstance, minute: string): number {
    return cpuPercent(shared, instance.size, (instance.draws.cpuNoise(minute) / 0x1_0000_0000 - 0.5) * 6);
  }
}

// Classes, not two object literals of one shape: a sampler's call to `shared` or `of` then sees two
// hidden classes with a known method each, which V8 inlines, instead of a field holding any function,
// which costs a call and a boxed number per sample.
export const MEMORY_USED_PERCENT: InstanceMetric = new MemoryUsedPercent();
export const CPU_UTILIZATION_PERCENT: InstanceMetric = new CpuUtilizationPercent();

/** An instance's small, stable imbalance and its per-minute noise, on top of its share. */
const ownMemoryUsedGiB = (used: number, draws: InstanceDraws, minute: string): number =>
  used * draws.skew + (draws.memoryNoise(minute) / 0x1_0000_0000 - 0.5) * 2 * LOAD_MODEL.minuteJitterGiB;

/** An instance cannot use more memory than it has. */
const memoryPercent = (usedGiB: number, size: InstanceSize): number => Math.min(99.5, (usedGiB / size.memoryGiB) * 100);

/** Request work is shared like memory; a bigger instance does its share with fewer percent. */
const cpuPercent = (demandShare: number, size: InstanceSize, noise: number): number =>
  clampPercent(demandShare * (2 / size.vcpus) + 4 + noise);

/**
 * Memory one in-service instance uses: its share of the working set plus the
 * overhead. With an instance id, that instance's small, stable imbalance and
 * per-minute noise are added, so a group's Maximum sits a little above its Average.
 */
export function instanceMemoryUsedGiB(timeMs: number, inServiceCount: number, instanceId?: string): number {
  const used = MEMORY_USED_PERCENT.shared(timeMs, inServiceCount);
  return instanceId ? ownMemoryUsedGiB(used, instanceDraws(instanceId), minuteKey(timeMs)) : used;
}

/** CWAgent `mem_used_percent` of one instance. */
export function memUsedPercent(
  timeMs: number,
  inServiceCount: number,
  instanceType: string | null,
  instanceId?: string,
): number {
  return memoryPercent(instanceMemoryUsedGiB(timeMs, inServiceCount, instanceId), ec2Size(instanceType));
}

/** AWS/EC2 `CPUUtilization` of one in-service instance. */
export function webCpuPercent(
  timeMs: number,
  inServiceCount: number,
  instanceType: string | null,
  instanceId?: string,
): number {
  if (instanceId) {
    const { shared, of } = CPU_UTILIZATION_PERCENT;
    return of(shared(timeMs, inServiceCount), modelledInstance(instanceType, instanceId), minuteKey(timeMs));
  }
  return cpuPercent(CPU_UTILIZATION_PERCENT.shared(timeMs, inServiceCount), ec2Size(instanceType), 0);
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
