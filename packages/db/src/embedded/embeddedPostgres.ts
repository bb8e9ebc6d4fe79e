import { createHash, randomBytes } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { chmod, chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { canTraverse } from "./folderAccess.ts";
import { findFreePort } from "./freePort.ts";
import { reachableBinaries } from "./postgresBinaries.ts";
import { initCluster, startServer } from "./postgresServer.ts";
import { type ServerAccount, serverAccount } from "./serverAccount.ts";
import { findRunningServer, isProcessAlive, stopOrphanedServer } from "./serverProcess.ts";
import { SHARED_HOME } from "./sharedHome.ts";

export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` database. */
  readonly serverUrl: string;
  /** The cluster's folder (under the data folder, or the shared home when that is out of the server's reach). */
  readonly clusterDir: string;
  /** True when this process started the server and will stop it. */
  readonly owned: boolean;
  /** Stops the server if this process started it; otherwise leaves it running. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the credentials and, where the server can reach it, the cluster (`<dataDir>/postgres`). */
  dataDir: string;
  /** Delete the cluster when it stops (throwaway servers for tests). */
  throwaway?: boolean;
  /** Listen on this port rather than a free one (to restart a server where its clients expect it). */
  port?: number;
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
  const log = options.log ?? (() => {});
  const account = serverAccount();
  if (!account) throw new Error("the embedded PostgreSQL needs a POSIX system; set DATABASE_URL instead");
  // The credentials stay here, readable by this user alone, whoever runs the server.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { credentials, created } = await loadOrCreateCredentials(dataDir);
  const { clusterDir, home } = await placeCluster(dataDir, account);
  // A new password cannot open a cluster made with a lost one: a relocated cluster whose data folder was deleted is stale.
  if (created && home && existsSync(clusterDir)) await removeStaleCluster(clusterDir, log);

  const running = await findRunningServer(clusterDir);
  if (running) {
    const owner = await readOwner(dataDir);
    if (owner && owner.pid !== process.pid && isProcessAlive(owner.pid)) {
      log(`using the embedded PostgreSQL started by process ${owner.pid} on port ${running.port}`);
      return { serverUrl: urlFor(credentials, running.port), clusterDir, owned: false, stop: async () => {} };
    }
    log(`stopping an orphaned embedded PostgreSQL (pid ${running.pid})`);
    await stopOrphanedServer(running.pid);
  }
  await rm(path.join(clusterDir, "postmaster.pid"), { force: true });

  const binaries = await reachableBinaries(account);
  const settings = { binaries, clusterDir, account, ...credentials, port: options.port ?? (await findFreePort()), log };
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    await initCluster(settings);
  }
  const server = await startServer(settings);
  await writeFile(
    path.join(dataDir, OWNER_FILE),
    JSON.stringify({ pid: process.pid, port: settings.port } satisfies OwnerRecord),
  );

  let stopped: Promise<void> | undefined;
  return {
    serverUrl: urlFor(credentials, settings.port),
    clusterDir,
    owned: true,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await rm(path.join(dataDir, OWNER_FILE), { force: true });
        if (options.throwaway) {
          if (home) await rm(home, { recursive: true, force: true });
          await rm(dataDir, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
}

/**
 * The cluster lives in `<dataDir>/postgres` when the server's account can
 * reach it. As root in a private folder (a clone under /root or `mktemp -d`)
 * it cannot, so the cluster goes to a folder of its own under the shared home,
 * named after the data folder: owned by the server's account, mode 700, inside
 * a folder that others may cross but not list.
 */
async function placeCluster(dataDir: string, account: ServerAccount): Promise<{ clusterDir: string; home?: string }> {
  const local = path.join(dataDir, CLUSTER_FOLDER);
  if (!account.isOtherUser) return { clusterDir: local };
  // The data folder is ours: let the server's account cross it (the credentials inside stay 0600).
  await chmod(dataDir, 0o711);
  if (canTraverse(dataDir, account)) return { clusterDir: local };
  const name = createHash("sha256").update(realpathSync(dataDir)).digest("hex").slice(0, 16);
  const home = path.join(SHARED_HOME, "clusters", name);
  try {
    await mkdir(home, { recursive: true, mode: 0o711 });
    await chmod(home, 0o711);
  } catch (error) {
    throw new Error(
      `${dataDir} is out of reach of the '${account.name}' user and ${SHARED_HOME} cannot be written (${(error as Error).message}): move the project to a folder that user can enter, or set DATABASE_URL`,
      { cause: error },
    );
  }
  if (!canTraverse(home, account)) {
    throw new Error(
      `${home} is out of reach of uid ${account.uid}: check the permissions of the folders above it, or set DATABASE_URL`,
    );
  }
  const clusterDir = path.join(home, CLUSTER_FOLDER);
  if (!existsSync(clusterDir)) {
    await mkdir(clusterDir, { mode: 0o700 });
    await chown(clusterDir, account.uid, account.gid);
  }
  return { clusterDir, home };
}

async function removeStaleCluster(clusterDir: string, log: (message: string) => void): Promise<void> {
  const running = await findRunningServer(clusterDir);
  if (running) await stopOrphanedServer(running.pid);
  log(`removing the cluster in ${clusterDir}: its data folder, with the credentials, was deleted`);
  await rm(clusterDir, { recursive: true, force: true });
}

function urlFor(credentials: Credentials, port: number): string {
  return `postgresql://${credentials.user}:${credentials.password}@127.0.0.1:${port}/postgres`;
}

async function loadOrCreateCredentials(dataDir: string): Promise<{ credentials: Credentials; created: boolean }> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    await chmod(file, 0o600);
    return { credentials: JSON.parse(await readFile(file, "utf8")) as Credentials, created: false };
  }
  const credentials: Credentials = { user: "fastier", password: randomBytes(18).toString("base64url") };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return { credentials, created: true };
}

async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, OWNER_FILE), "utf8")) as OwnerRecord;
  } catch {
    return undefined;
  }
}
