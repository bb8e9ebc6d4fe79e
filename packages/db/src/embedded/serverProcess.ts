import { readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface RunningServer {
  pid: number;
  port: number;
}

/** Reads `postmaster.pid` and tells whether the server it names is still alive. */
export async function findRunningServer(clusterDir: string): Promise<RunningServer | undefined> {
  let content: string;
  try {
    content = await readFile(path.join(clusterDir, "postmaster.pid"), "utf8");
  } catch {
    return undefined;
  }
  // Line 1 is the postmaster's pid, line 4 its port (PostgreSQL's documented layout).
  const lines = content.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  return { pid, port };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Fast shutdown (SIGINT), escalating to SIGKILL if the server does not exit in time. */
export async function stopOrphanedServer(pid: number, timeoutMs = 30_000): Promise<void> {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await sleep(200);
      return;
    }
    await sleep(100);
  }
}
