/** When an instance takes traffic: from passing its health checks until scale-in picks it (Infinity while not picked). */
export interface ServiceInterval {
  inServiceMs: number;
  terminatingMs: number;
}

/**
 * How many of a set of instances take traffic at any time, as a step
 * function: the times the count changes and the count from each of them on.
 * Metrics ask for a group's (or the whole fleet's) count at every sampled
 * minute of every query; a binary search over a handful of changes replaces a
 * scan of every member each time.
 */
export class ServingCounts {
  private readonly changes: Float64Array;
  private readonly counts: Int32Array;

  constructor(members: readonly ServiceInterval[]) {
    const events: { time: number; delta: number }[] = [];
    for (const { inServiceMs, terminatingMs } of members) {
      // The interval `servingAt` tests; one that never opens (or an unreadable time) never counts.
      if (!(inServiceMs < terminatingMs)) continue;
      events.push({ time: inServiceMs, delta: 1 });
      if (terminatingMs !== Number.POSITIVE_INFINITY) events.push({ time: terminatingMs, delta: -1 });
    }
    events.sort((a, b) => a.time - b.time);
    const changes: number[] = [];
    const counts: number[] = [];
    let count = 0;
    for (const { time, delta } of events) {
      count += delta;
      if (changes.at(-1) === time) counts[counts.length - 1] = count;
      else {
        changes.push(time);
        counts.push(count);
      }
    }
    this.changes = Float64Array.from(changes);
    this.counts = Int32Array.from(counts);
  }

  at(time: number): number {
    // The number of changes at or before `time`: the count after the last of them.
    let low = 0;
    let high = this.changes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.changes[middle] as number) <= time) low = middle + 1;
      else high = middle;
    }
    return low === 0 ? 0 : (this.counts[low - 1] as number);
  }
}
