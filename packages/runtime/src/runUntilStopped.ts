import { takeOverShutdownSignals } from "@fastier/db";
import closeWithGrace from "close-with-grace";
import type { Logger } from "pino";

/**
 * Graceful shutdown for an entry point: on SIGINT / SIGTERM (or a crash) the
 * closers run in order (stop taking work, then close the database, which also
 * stops an embedded server), within `delayMs`.
 */
export function closeOnSignals(log: Logger, closers: (() => Promise<void>)[], delayMs = 30_000): void {
  takeOverShutdownSignals();
  closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, "shutting down after an error");
    else log.info({ signal }, "shutting down");
    for (const close of closers) await close();
  });
}

/** Start-up failures print one plain line (the cause below it) and exit 1. */
export function exitOnStartFailure(what: string) {
  return (error: unknown) => {
    console.error(`${what} could not start: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && error.cause) console.error("cause:", error.cause);
    process.exit(1);
  };
}
