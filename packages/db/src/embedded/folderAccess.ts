import { statSync } from "node:fs";
import path from "node:path";

export interface Account {
  uid: number;
  gid: number;
}

/**
 * Whether `account` can walk down to `target`: every folder from the root to
 * it must grant search (x) to that account as owner, group or other. Root's
 * own view says nothing about this: a clone under /root or `mktemp -d` is
 * mode 700, which the `postgres` account cannot enter.
 */
export function canTraverse(target: string, account: Account): boolean {
  let folder = path.resolve(target);
  for (;;) {
    let mode: number;
    let uid: number;
    let gid: number;
    try {
      ({ mode, uid, gid } = statSync(folder));
    } catch {
      return false;
    }
    const bit = uid === account.uid ? 0o100 : gid === account.gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) return false;
    const parent = path.dirname(folder);
    if (parent === folder) return true;
    folder = parent;
  }
}
