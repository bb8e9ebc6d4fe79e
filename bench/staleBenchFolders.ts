import { existsSync } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openEmbeddedPostgres } from "@fastier/db";

/** Every bench run keeps its throwaway cluster in a folder named like this under the temp folder. */
export const BENCH_FOLDER_PREFIX = "fastier-bench-";

/** A folder without an owner record this old is not a bench that is still starting. */
const UNOWNED_GRACE_MS = 60 * 60 * 1000;

/**
 * Removes clusters left by bench runs that were killed before they could clean
 * up: Ctrl-C under `npm run bench` also reaches tsx, which SIGKILLs a child too
 * busy under load to answer within its short grace period. Folders of a bench
 * that is still running (its owner process lives) are left alone.
 */
export async function removeStaleBenchFolders(log: (message: string) => void): Promise<void> {
  const root = tmpdir();
  const names = (await readdir(root)).filter((name) => name.startsWith(BENCH_FOLDER_PREFIX));
  for (const name of names) {
    const folder = path.join(root, name);
    try {
      if (!(await isStale(folder))) continue;
      if (existsSync(path.join(folder, "postgres", "postmaster.pid"))) {
        // Possibly an orphaned server still running: openEmbeddedPostgres shuts orphans down,
        // and stopping a throwaway server deletes its folder.
        await (await openEmbeddedPostgres({ dataDir: folder, throwaway: true })).stop();
      } else {
        await rm(folder, { recursive: true, force: true });
      }
      log(`removed ${folder}, left by an interrupted bench run`);
    } catch (error) {
      log(`could not remove ${folder}: ${String(error)}`);
    }
  }
}

async function isStale(folder: string): Promise<boolean> {
  let owner: { pid?: unknown };
  try {
    owner = JSON.parse(await readFile(path.join(folder, "postgres-owner.json"), "utf8")) as { pid?: unknown };
  } catch {
    return Date.now() - (await stat(folder)).mtimeMs > UNOWNED_GRACE_MS;
  }
  return typeof owner.pid === "number" && !isProcessAlive(owner.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
