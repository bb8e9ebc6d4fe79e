import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { collectOutput } from "./processes.ts";

/** How a person or a process manager stops what `npm run` started. */
export type StopSignal = "SIGTERM to npm" | "SIGINT to the group" | "SIGTERM to the group";
export const STOP_SIGNALS: StopSignal[] = ["SIGTERM to npm", "SIGINT to the group", "SIGTERM to the group"];

export interface LaunchedScript {
  child: ChildProcess;
  output(): string;
  /** Resolves when `text` has been printed. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Sends the signal the way `how` says and resolves with npm's exit code and
   * the time until npm and everything in its process group had exited (npm may
   * exit before the app it relayed the signal to).
   */
  stop(how: StopSignal): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Last resort in clean-up: the whole group, SIGKILL. */
  kill(): void;
}

/**
 * `npm run <script>` as a user starts it: through npm and its shell, in a
 * process group of its own, as a terminal or a process manager would.
 */
export function launchNpmScript(script: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): LaunchedScript {
  const child = spawn("npm", ["run", "--silent", script], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const pid = child.pid as number;
  return {
    child,
    output,
    async waitFor(text, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof text === "string" ? output().includes(text) : text.test(output()));
      while (!seen()) {
        if (done) throw new Error(`npm run ${script} exited before printing ${text}:\n${output()}`);
        if (Date.now() > deadline) throw new Error(`npm run ${script} did not print ${text}:\n${output()}`);
        await sleep(50);
      }
    },
    async stop(how) {
      const started = Date.now();
      if (how === "SIGTERM to npm") process.kill(pid, "SIGTERM");
      else process.kill(-pid, how === "SIGINT to the group" ? "SIGINT" : "SIGTERM");
      const result = await exited;
      while (groupMembers(pid).length > 0 && Date.now() - started < 30_000) await sleep(25);
      return { ...result, ms: Date.now() - started };
    },
    kill() {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
}

/** Processes whose command line mentions `text` (e.g. a cluster folder), other than this one. */
export function processesMentioning(text: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", text], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return [];
  }
}

/** Processes still in the process group `pgid` (what a launch left behind). */
export function groupMembers(pgid: number): number[] {
  try {
    return execFileSync("pgrep", ["-g", String(pgid)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
