import assert from "node:assert/strict";
import { after } from "node:test";
import { type CloudErrorKind, type CloudPort, isCloudError } from "@fastier/core";
import { createTestDatabase, type TestDatabase } from "../../../../test/helpers/testDatabase.ts";
import { createManualClock, createSimCloud, type ManualClock, type SimCloudOptions } from "../../src/sim/index.ts";

/** A quiet hour: the daily trough is at 05:00 UTC, the peak at 17:00 UTC. */
export const START = new Date("2026-11-24T06:00:00.000Z");
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface SimTestWorld {
  db: TestDatabase;
  clock: ManualClock;
  cloud: CloudPort;
  /** Another process on the same database and clock (the worker beside the API). */
  open(options?: Partial<Omit<SimCloudOptions, "pool" | "clock">>): CloudPort;
}

const databases: TestDatabase[] = [];
after(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

/** A fresh database and a simulated account on a manual clock; dropped when the file's tests end. */
export async function openSimWorld(
  options: Partial<Omit<SimCloudOptions, "pool" | "clock">> & { start?: Date } = {},
): Promise<SimTestWorld> {
  const db = await createTestDatabase();
  databases.push(db);
  const clock = createManualClock(options.start ?? START);
  const { start: _start, ...cloudOptions } = options;
  const open = (extra: Partial<Omit<SimCloudOptions, "pool" | "clock">> = {}) =>
    createSimCloud({ pool: db.pool, clock, ...cloudOptions, ...extra });
  return { db, clock, cloud: open(), open };
}

/** Asserts a CloudError of `kind` whose message matches every pattern; returns it for further checks. */
export async function rejectsWith(
  action: Promise<unknown>,
  kind: CloudErrorKind,
  ...patterns: (RegExp | string)[]
): Promise<Error> {
  let caught: unknown;
  await assert.rejects(action, (error) => {
    caught = error;
    return true;
  });
  assert.ok(isCloudError(caught), `expected a CloudError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, `expected ${kind}, got ${caught.kind}: ${caught.message}`);
  for (const pattern of patterns) {
    if (typeof pattern === "string")
      assert.ok(caught.message.includes(pattern), `"${caught.message}" lacks "${pattern}"`);
    else assert.match(caught.message, pattern);
  }
  return caught;
}
