import v8 from "node:v8";
import vm from "node:vm";

export interface MemoryPeak {
  /** Heap in use before the measured work, after a full collection. */
  baselineHeapBytes: number;
  baselineRssBytes: number;
  peakHeapBytes: number;
  peakRssBytes: number;
  samples: number;
}

export interface MemorySampler {
  stop(): MemoryPeak;
}

// A full collection before the baseline makes it the live heap, not whatever garbage happens to be
// waiting; `tsx bench/sweep.ts` cannot pass --expose-gc, so the flag is turned on here.
v8.setFlagsFromString("--expose-gc");
export const collectGarbage = vm.runInNewContext("gc") as () => void;

/**
 * Samples heap and RSS every `intervalMs` while work runs. The timer only
 * fires between awaits, so a peak inside one long synchronous stretch can be
 * missed by a little; the sweep awaits the database and the cloud once per
 * batch, which keeps the gaps short.
 */
export function startMemorySampler(intervalMs = 20): MemorySampler {
  collectGarbage();
  const baseline = process.memoryUsage();
  const peak: MemoryPeak = {
    baselineHeapBytes: baseline.heapUsed,
    baselineRssBytes: baseline.rss,
    peakHeapBytes: baseline.heapUsed,
    peakRssBytes: baseline.rss,
    samples: 0,
  };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.peakHeapBytes = Math.max(peak.peakHeapBytes, usage.heapUsed);
    peak.peakRssBytes = Math.max(peak.peakRssBytes, usage.rss);
    peak.samples += 1;
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

export interface LiveHeapProbe {
  /** Collects garbage and records the heap still in use. */
  measure(): void;
  /** The largest live heap measured, over the baseline taken when the probe was created. */
  peakGrowthBytes(): number;
}

/**
 * The heap a piece of work really holds, as opposed to what it has not yet
 * handed back to the collector: a full collection before each measurement.
 * Far too slow for a timed run; used on a run of its own.
 */
export function startLiveHeapProbe(): LiveHeapProbe {
  collectGarbage();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  return {
    measure() {
      collectGarbage();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
    peakGrowthBytes: () => peak - baseline,
  };
}
