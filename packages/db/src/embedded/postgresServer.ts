import { type ChildProcess, spawn } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Account } from "./folderAccess.ts";
import type { PostgresBinaries } from "./postgresBinaries.ts";

export interface ServerSettings {
  binaries: PostgresBinaries;
  clusterDir: string;
  /** The account the server runs as; differs from this process's only as root. */
  account: Account & { isOtherUser: boolean };
  user: string;
  password: string;
  port: number;
  log: (message: string) => void;
}

const READY = "database system is ready to accept connections";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** English server messages, whatever the machine's locale: start-up waits for one of them. */
const MESSAGES_ENV = { ...process.env, LC_MESSAGES: "C" };

function asAccount(settings: ServerSettings) {
  return settings.account.isOtherUser ? { uid: settings.account.uid, gid: settings.account.gid } : {};
}

/**
 * Creates a cluster. The password reaches initdb through a file that only the
 * server's account can read, in a private folder removed right after, so the
 * secret is never readable by other users, not even for a moment.
 */
export async function initCluster(settings: ServerSettings): Promise<void> {
  const { clusterDir, account } = settings;
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const secrets = await mkdtemp(path.join(path.dirname(clusterDir), ".initdb-"));
  try {
    const passwordFile = path.join(secrets, "password");
    await writeFile(passwordFile, `${settings.password}\n`, { mode: 0o600 });
    if (account.isOtherUser) {
      for (const owned of [clusterDir, secrets, passwordFile]) await chown(owned, account.uid, account.gid);
    }
    await chmod(clusterDir, 0o700);
    await runToEnd(
      settings.binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        "--auth=scram-sha-256",
        `--username=${settings.user}`,
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        "--lc-messages=C",
      ],
      settings,
    );
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

function runToEnd(command: string, args: string[], settings: ServerSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...asAccount(settings),
      env: MESSAGES_ENV,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let errors = "";
    child.stdout.on("data", (chunk: Buffer) => settings.log(chunk.toString().trim()));
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on("error", (error) => reject(new Error(`could not run ${command}: ${error.message}`, { cause: error })));
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`initdb failed (exit ${code}): ${errors.trim().split("\n").slice(-3).join(" ")}`));
    });
  });
}

export interface RunningPostgres {
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the server in its own process group, so that a Ctrl+C to the
 * terminal's group reaches the application, which drains its work and then
 * stops the server last, instead of the server quitting under in-flight work.
 */
export function startServer(settings: ServerSettings): Promise<RunningPostgres> {
  const child = spawn(
    settings.binaries.postgres,
    [
      "-D",
      settings.clusterDir,
      "-p",
      String(settings.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
    ],
    { ...asAccount(settings), env: MESSAGES_ENV, stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: ${lastLines(output)}`));
    }, START_TIMEOUT_MS);
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      settings.log(text.trim());
      if (ready) return;
      output += text;
      if (output.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve({ process: child, stop: () => stopServer(child) });
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${settings.binaries.postgres}: ${error.message}`, { cause: error }));
    });
    child.on("exit", (code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited with code ${code} while starting: ${lastLines(output)}`));
    });
  });
}

/** Fast shutdown (SIGINT: sessions are ended, nothing is lost), then SIGKILL if it hangs. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  const outcome = await Promise.race([exited, sleep(STOP_TIMEOUT_MS, "timeout")]);
  if (outcome === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

function lastLines(output: string): string {
  return output.trim().split("\n").slice(-3).join(" ");
}
