import autocannon from "autocannon";
import type { BenchTarget } from "./benchTargets.ts";

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
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
}

/** A warm-up (JIT, pools, auth cache) whose figures are discarded, then the measured run. */
export async function measureTarget(target: BenchTarget, options: LoadOptions): Promise<LoadResult> {
  const warmUp = await fire(target, options.connections, options.warmUpSeconds);
  if (warmUp.non2xx > 0 || warmUp.errors > 0) {
    throw new Error(`${target.label} failed during the warm-up: ${warmUp.non2xx} non-2xx, ${warmUp.errors} errors`);
  }
  return fire(target, options.connections, options.durationSeconds);
}

/**
 * The same request at a fixed rate, well under capacity: what a request costs when it does not queue
 * behind others. Run after `measureTarget`, whose warm-up and run leave the target warm.
 */
export function measureAtRate(
  target: BenchTarget,
  options: LoadOptions & { requestsPerSecond: number },
): Promise<LoadResult> {
  return fire(target, options.connections, options.durationSeconds, Math.max(1, Math.round(options.requestsPerSecond)));
}

async function fire(
  target: BenchTarget,
  connections: number,
  seconds: number,
  overallRate?: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections,
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
