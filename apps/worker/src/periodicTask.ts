export interface PeriodicTask {
  /** Runs the task now (between scheduled runs), waiting for a run in progress first. */
  runNow(): Promise<void>;
  /** Asks for a run soon; wake-ups that arrive before that run starts are one run. */
  wake(): void;
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  onError: (error: unknown) => void;
  /** Run once at start rather than after the first interval. */
  runAtStart?: boolean;
}

/**
 * A task repeated every `intervalMs`, never overlapping itself: the next run is
 * scheduled when the previous one ends, so a slow run delays rather than piles up.
 */
export function startPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let woken = false;

  const runOnce = () => {
    current = current.then(() => options.run().catch(options.onError));
    return current;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce().finally(schedule);
    }, options.intervalMs);
  };

  if (options.runAtStart) runOnce().finally(schedule);
  else schedule();

  return {
    runNow: runOnce,
    wake() {
      if (woken || stopped) return;
      woken = true;
      current = current.then(() => {
        woken = false;
        return options.run().catch(options.onError);
      });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
