import os from "node:os";
import { type CleanupStack, createCleanupStack } from "./cleanupStack.ts";

export interface BenchProcess {
  log(message: string): void;
  cleanup: CleanupStack;
  /**
   * Runs the bench, then the clean-up stack, then exits: 0 when `run` says
   * all went well, 1 on an error, the signal's code when interrupted. A missed
   * target is a finding, not a failure: `run` decides what counts as failed.
   */
  finish(run: () => Promise<boolean>): Promise<never>;
}

/**
 * The process side every benchmark shares. Ctrl-C must still stop the
 * embedded server and drop the database, so the clean-up stack answers the
 * signals. npm relays the same signal again, so repeats wait for the clean-up
 * already under way. With a deadline, a run that hangs is stopped and cleaned
 * up too.
 */
export function startBenchProcess(tag: string, options: { deadlineMs?: number } = {}): BenchProcess {
  const log = (message: string) => console.error(`[${tag}] ${message}`);
  const cleanup = createCleanupStack(log);
  let interruptedExitCode: number | undefined;
  const interrupt = (reason: string, exitCode: number) => {
    if (interruptedExitCode === undefined) log(`${reason}: cleaning up`);
    interruptedExitCode ??= exitCode;
    void cleanup.runAll().finally(() => process.exit(interruptedExitCode));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => interrupt(signal, 128 + os.constants.signals[signal]));
  }
  if (options.deadlineMs) {
    const seconds = options.deadlineMs / 1000;
    setTimeout(() => interrupt(`still running after ${seconds} s`, 1), options.deadlineMs).unref();
  }
  return {
    log,
    cleanup,
    async finish(run) {
      let ok = false;
      try {
        ok = await run();
      } catch (error) {
        log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      } finally {
        await cleanup.runAll();
      }
      return process.exit(interruptedExitCode ?? (ok ? 0 : 1));
    },
  };
}
