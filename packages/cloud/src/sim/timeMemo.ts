import { MINUTE } from "./simTime.ts";

/** Distinct minutes remembered: a day and then some, more than any sweep or chart asks about at once. */
const SLOTS = 2048;

/**
 * Remembers a pure function of time for recent times, one slot per minute
 * (direct-mapped: a time evicts the one 2,048 minutes away from it). GetMetricData
 * asks the load model about the same hour's minutes for every one of thousands
 * of groups and instances; the daily cycle's cosine and a floating-point modulo
 * cost more than reading a typed array. A slot keeps the exact time it holds,
 * so any time, whole minute or not, gets exactly what `compute` returns for it.
 */
export function memoByTime(compute: (timeMs: number) => number): (timeMs: number) => number {
  const times = new Float64Array(SLOTS).fill(Number.NaN);
  const values = new Float64Array(SLOTS);
  return (timeMs) => {
    const slot = Math.floor(timeMs / MINUTE) & (SLOTS - 1);
    if (times[slot] === timeMs) return values[slot] as number;
    const value = compute(timeMs);
    times[slot] = timeMs;
    values[slot] = value;
    return value;
  };
}
