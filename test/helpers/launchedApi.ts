import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type LaunchedScript, launchNpmScript, processesMentioning } from "./npmScripts.ts";

/**
 * The npm scripts a test file launches and the data folders they run on: after the file's tests, whatever
 * happened, the scripts are killed and the folders removed. The embedded server runs in a process group of
 * its own, so a failed test may have left it behind: it goes by the folder it names.
 */
export function launchedScripts() {
  const launched: LaunchedScript[] = [];
  const folders: string[] = [];
  after(async () => {
    for (const script of launched) script.kill();
    for (const folder of folders) {
      for (const pid of processesMentioning(folder)) process.kill(pid, "SIGKILL");
      await rm(folder, { recursive: true, force: true });
    }
  });
  return {
    launch(script: string, env: NodeJS.ProcessEnv): LaunchedScript {
      const started = launchNpmScript(script, env);
      launched.push(started);
      return started;
    },
    async dataFolder(prefix: string): Promise<string> {
      const folder = await mkdtemp(path.join(tmpdir(), prefix));
      folders.push(folder);
      return folder;
    },
  };
}

/** One call to a launched API with a key, answered with its status and JSON body. */
export async function api(url: string, key: string, method = "GET", body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `check` every 100 ms until it holds, or fails naming `what`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
