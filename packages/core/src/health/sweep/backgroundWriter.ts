/**
 * Writes that run while the caller gets on with the next piece of work (a sweep
 * writes batches of samples while it fetches the next), at most `inFlight` at
 * a time, so that what waits to be written stays a few batches. A failed write
 * is not lost: the next `submit` and `finish` throw it.
 */
export interface BackgroundWriter<T> {
  /** Waits until fewer than `inFlight` writes run, then starts this one without waiting for it. */
  submit(items: T): Promise<void>;
  /** Waits for the writes in flight; throws the first write that failed. */
  finish(): Promise<void>;
  /** Waits for the writes in flight and ignores their outcome: for a caller already failing. */
  settle(): Promise<void>;
}

export function createBackgroundWriter<T>(
  write: (items: T) => Promise<void>,
  options: { inFlight: number },
): BackgroundWriter<T> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  const settle = async () => {
    while (running.size > 0) await Promise.all(running);
  };
  return {
    async submit(items) {
      while (running.size >= options.inFlight) await Promise.race(running);
      throwIfFailed();
      // Caught at once: a rejection nobody awaits yet would be an unhandled one.
      const writing: Promise<void> = write(items)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(writing));
      running.add(writing);
    },
    async finish() {
      await settle();
      throwIfFailed();
    },
    settle,
  };
}
