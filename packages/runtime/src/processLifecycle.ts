import { type Config, loadConfig } from "@fastier/config";
import type { Logger } from "pino";

/** Everything must be closed by then: process managers escalate to SIGKILL soon after (docker stop: 10 s). */
const DEFAULT_DEADLINE_MS = 8_000;
/** Time kept back for the last closer (the database, which stops an embedded server) when earlier ones overrun. */
const LAST_CLOSER_RESERVE_MS = 2_500;

export interface ProcessLifecycle {
  /**
   * Registers what to close on shutdown. Closers run last-registered first
   * (the worker, then the API, then the database they both use).
   */
  onShutdown(name: string, close: () => Promise<void>): void;
  /** Start-up is over: a signal that came during it is acted on now, with everything that was started. */
  started(): void;
  /** For `main().catch(...)`: one plain line, the closers, exit 1. */
  failedToStart(what: string): (error: unknown) => Promise<never>;
}

interface Closer {
  name: string;
  close: () => Promise<void>;
}

/**
 * Graceful shutdown for an entry point, installed before anything starts.
 * SIGINT and SIGTERM start one drain: a repeat is expected (npm relays the
 * terminal's Ctrl+C a second time) and ignored. The closers share one
 * deadline; one that overruns is abandoned so that the next, down to the
 * database, still runs. Exit code 0 when everything closed in time.
 */
export function createProcessLifecycle(log: Logger, deadlineMs = DEFAULT_DEADLINE_MS): ProcessLifecycle {
  const closers: Closer[] = [];
  let draining: Promise<boolean> | undefined;
  let startUpOver: () => void = () => {};
  // A signal during start-up waits for it: stopping half-way would leave an embedded server behind.
  const startUp = new Promise<void>((resolve) => {
    startUpOver = resolve;
  });

  const drain = (): Promise<boolean> => {
    draining ??= startUp.then(async () => {
      const deadline = Date.now() + deadlineMs;
      let clean = true;
      while (closers.length > 0) {
        const closer = closers.pop() as Closer;
        const reserve = closers.length > 0 ? LAST_CLOSER_RESERVE_MS : 0;
        clean = (await runCloser(closer, Math.max(500, deadline - reserve - Date.now()), log)) && clean;
      }
      return clean;
    });
    return draining;
  };

  const shutDown = (reason: string, exitCode: number) => {
    void drain().then((clean) => {
      log.info({ reason, clean }, "stopped");
      process.exit(clean ? exitCode : 1);
    });
  };

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (draining) {
        log.debug({ signal }, "already shutting down");
        return;
      }
      log.info({ signal }, "shutting down: refusing new work, finishing work in flight");
      shutDown(signal, 0);
    });
  }
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (error) => {
      log.fatal({ err: error }, `${event}: shutting down`);
      shutDown(event, 1);
    });
  }

  return {
    onShutdown(name, close) {
      closers.push({ name, close });
    },
    started: () => startUpOver(),
    failedToStart(what) {
      return async (error) => {
        startUpOver();
        console.error(`${what} could not start: ${error instanceof Error ? error.message : String(error)}`);
        const cause = error instanceof Error ? error.cause : undefined;
        if (cause) console.error(`  cause: ${cause instanceof Error ? cause.message : String(cause)}`);
        await drain();
        return process.exit(1);
      };
    },
  };
}

async function runCloser(closer: Closer, budgetMs: number, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<"overrun">((resolve) => {
    timer = setTimeout(() => resolve("overrun"), budgetMs);
  });
  try {
    const outcome = await Promise.race([closer.close().then(() => "closed" as const), overrun]);
    if (outcome === "overrun") log.warn({ closer: closer.name, budgetMs }, "did not close in time; abandoned");
    return outcome === "closed";
  } catch (error) {
    log.error({ err: error, closer: closer.name }, "failed to close");
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The configuration, or one line naming the bad variable and exit 1: nothing has started yet. */
export function loadConfigOrExit(what: string, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    console.error(`${what} could not start: ${error instanceof Error ? error.message : String(error)}`);
    return process.exit(1);
  }
}
