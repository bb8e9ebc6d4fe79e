import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { BenchTarget } from "./benchTargets.ts";

setFlagsFromString("--expose-gc");
/** A full collection before each batch, so that no batch pays for the garbage the one before it left. */
const collectGarbage = runInNewContext("gc") as () => void;

/** Requests per measured batch; batches of the two targets alternate, so a change in load hits both. */
const BATCH = 1_000;
/** In flight at once: enough to keep the pool busy, few enough that nothing queues for long. */
const CONCURRENCY = 8;

export interface CpuPerRequest {
  label: string;
  /** Median over the batches of this process's CPU time (user + system) per 1,000 requests. */
  cpuMsPerThousand: number;
  batches: number[];
}

/**
 * CPU time per request, which load on the machine moves far less than requests/s: each target
 * answers in-process requests (`inject`: no sockets, the same for both), in batches that alternate
 * between the targets, and the process's CPU time is read around each batch. The database's own
 * CPU is not counted: both targets run the same query.
 */
export async function measureCpuPerRequest(targets: BenchTarget[], rounds: number): Promise<CpuPerRequest[]> {
  for (const target of targets) await runBatch(target); // JIT, pools, caches
  const batches = targets.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, target] of targets.entries()) {
      collectGarbage();
      const before = process.cpuUsage();
      await runBatch(target);
      const used = process.cpuUsage(before);
      batches[index]?.push(((used.user + used.system) / 1000) * (1000 / BATCH));
    }
  }
  return targets.map((target, index) => {
    const measured = batches[index] ?? [];
    return { label: target.label, cpuMsPerThousand: median(measured), batches: measured };
  });
}

async function runBatch(target: BenchTarget): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < BATCH) {
      sent++;
      const response = await target.server.inject({ method: "GET", url: target.path, headers: target.headers });
      if (response.statusCode !== 200) {
        throw new Error(`${target.label} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
