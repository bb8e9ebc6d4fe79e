/**
 * Where the simulator gets "now". Everything in the simulated account is a
 * function of this clock and the stored timestamps, so a manual clock makes a
 * test fully deterministic and a scaled clock makes a demo move faster.
 */
export interface SimClock {
  now(): Date;
}

export interface ManualClock extends SimClock {
  /** Moves time forward by `ms` and returns the new now. */
  advance(ms: number): Date;
  set(date: Date): void;
}

export function createManualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a manual clock only moves forward; got ${ms} ms`);
      current += ms;
      return new Date(current);
    },
    set(date) {
      current = date.getTime();
    },
  };
}

export interface ScaledClockOptions {
  /** Simulated milliseconds per real millisecond (SIM_TIME_SCALE): 60 makes a simulated minute pass each second. */
  scale: number;
  /** The simulated time at `startedAt`; defaults to the real time then. */
  origin?: Date;
  /**
   * The real instant the simulated time is anchored to; defaults to when the
   * clock is created. Processes that share one simulated account (API and
   * worker) should pass the same value so they agree on the time: the world
   * never moves backwards, but a lagging process would see stale "now"s.
   */
  startedAt?: Date;
  /** Real time source, for tests. */
  realNow?: () => number;
}

export function createScaledClock(options: ScaledClockOptions): SimClock {
  const { scale } = options;
  if (!Number.isFinite(scale) || scale <= 0)
    throw new RangeError(`clock scale must be a positive number; got ${scale}`);
  const realNow = options.realNow ?? Date.now;
  const startedAt = options.startedAt?.getTime() ?? realNow();
  const origin = options.origin?.getTime() ?? startedAt;
  return { now: () => new Date(origin + (realNow() - startedAt) * scale) };
}
