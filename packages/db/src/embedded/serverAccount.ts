import { execFileSync } from "node:child_process";
import type { Account } from "./folderAccess.ts";

const SERVER_USER = "postgres";

export interface ServerAccount extends Account {
  name: string;
  /** True when the server runs as another user than this process (as root). */
  isOtherUser: boolean;
}

/**
 * The account the server runs as: this process's own, or, as root (which
 * PostgreSQL refuses to run as), the `postgres` system account, created on
 * first use.
 */
export function serverAccount(): ServerAccount | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined) return undefined;
  if (uid !== 0) return { uid, gid, name: "(this user)", isOtherUser: false };
  let ids = lookUp(SERVER_USER);
  if (!ids) {
    try {
      execFileSync("groupadd", ["--system", SERVER_USER], { stdio: "ignore" });
    } catch {
      // The group may exist without the user; useradd below says if anything is really wrong.
    }
    try {
      execFileSync("useradd", ["--system", "--gid", SERVER_USER, "--no-create-home", SERVER_USER], { stdio: "pipe" });
    } catch (error) {
      throw new Error(
        `as root, PostgreSQL must run as a '${SERVER_USER}' user, and creating it failed: create it (useradd --system ${SERVER_USER}) or set DATABASE_URL`,
        { cause: error },
      );
    }
    ids = lookUp(SERVER_USER);
    if (!ids) throw new Error(`the '${SERVER_USER}' user was created but cannot be looked up`);
  }
  return { ...ids, name: SERVER_USER, isOtherUser: true };
}

function lookUp(name: string): Account | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
