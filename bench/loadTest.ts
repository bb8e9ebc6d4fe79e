import autocannon from "autocannon";
import type { BenchTarget } from "./benchTargets.ts";

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  /** Median over the slices (see `measurePaired`). */
  latencyP50Ms: number;
  /** Median over the slices (see `measurePaired`). */
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  /** Includes the timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface LoadOptions {
  connections: number;
  warmUpSeconds: number;
  durationSeconds: number;
  /** A fixed rate for all connections together; as fast as the target answers when absent. */
  requestsPerSecond?: number;
}

/** Length of one slice of a paired run. */
const SLICE_SECONDS = 2;

/**
 * The targets measured in turns of SLICE_SECONDS each (a, b, a, b, ...) until each has had
 * `durationSeconds`, after a warm-up per target (JIT, pools, auth cache) whose figures are discarded.
 * On a shared machine the load from other work changes by the minute: measured one after the other,
 * one target would get the quiet minute and the other the busy one, and the ratio would be theirs.
 * Alternating gives both the same minutes.
 */
export async function measurePaired(targets: BenchTarget[], options: LoadOptions): Promise<LoadResult[]> {
  for (const target of targets) {
    const warmUp = await fire(target, options, options.warmUpSeconds);
    if (warmUp.non2xx > 0 || warmUp.errors > 0) {
      throw new Error(`${target.label} failed during the warm-up: ${warmUp.non2xx} non-2xx, ${warmUp.errors} errors`);
    }
  }
  const slices = targets.map(() => [] as LoadResult[]);
  const rounds = Math.max(1, Math.round(options.durationSeconds / SLICE_SECONDS));
  for (let round = 0; round < rounds; round++) {
    for (const [index, target] of targets.entries()) slices[index]?.push(await fire(target, options, SLICE_SECONDS));
  }
  return slices.map((measured, index) => combine(targets[index] as BenchTarget, measured, rounds * SLICE_SECONDS));
}

function combine(target: BenchTarget, slices: LoadResult[], seconds: number): LoadResult {
  const sum = (pick: (slice: LoadResult) => number) => slices.reduce((total, slice) => total + pick(slice), 0);
  const requests = sum((slice) => slice.requests);
  return {
    label: target.label,
    requestsPerSecond: requests / seconds,
    latencyP50Ms: median(slices.map((slice) => slice.latencyP50Ms)),
    latencyP99Ms: median(slices.map((slice) => slice.latencyP99Ms)),
    latencyMaxMs: Math.max(...slices.map((slice) => slice.latencyMaxMs)),
    requests,
    errors: sum((slice) => slice.errors),
    timeouts: sum((slice) => slice.timeouts),
    non2xx: sum((slice) => slice.non2xx),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function fire(target: BenchTarget, options: LoadOptions, seconds: number): Promise<LoadResult> {
  const overallRate = options.requestsPerSecond && Math.max(1, Math.round(options.requestsPerSecond));
  const result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections: options.connections,
    duration: seconds,
    ...(overallRate && { overallRate }),
    // A worker thread: the load generator must not share the event loop with the servers it measures.
    workers: 1,
  });
  return {
    label: target.label,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}
