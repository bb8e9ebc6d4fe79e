/**
 * Writes that run while the caller gets on with the next piece of work (a sweep
 * writes one batch's samples while it fetches the next), one at a time, so
 * that what waits to be written is never more than one batch. A failed write
 * is not lost: the next `submit` and `finish` throw it.
 */
export interface BackgroundWriter<T> {
  /** Waits for the write in flight, then starts this one without waiting for it. */
  submit(items: T): Promise<void>;
  /** Waits for the write in flight; throws the first write that failed. */
  finish(): Promise<void>;
  /** Waits for the write in flight and ignores its outcome: for a caller already failing. */
  settle(): Promise<void>;
}

export function createBackgroundWriter<T>(write: (items: T) => Promise<void>): BackgroundWriter<T> {
  let inFlight: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  return {
    async submit(items) {
      await inFlight;
      throwIfFailed();
      // Caught at once: a rejection nobody awaits yet would be an unhandled one.
      inFlight = write(items).catch((error: unknown) => {
        failure ??= { error };
      });
    },
    async finish() {
      await inFlight;
      throwIfFailed();
    },
    settle: () => inFlight,
  };
}
