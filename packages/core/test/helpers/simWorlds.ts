import { after, before } from "node:test";
import { createManualClock, createSimCloud, type ManualClock, type SimCloudOptions } from "@fastier/cloud";
import { createTestDatabase, type TestDatabase } from "../../../../test/helpers/testDatabase.ts";
import type { CloudPort } from "../../src/index.ts";

/** Options a test may give a simulated account; the database and the clock are the block's own. */
export type WorldOptions = Omit<SimCloudOptions, "pool" | "clock">;

/**
 * For an operation's state-machine tests on the simulator, called inside `describe`: one test database
 * and one manual clock for the block, and a simulated account of its own for each test (`freshCloud`),
 * so no test sees another's changes. The clock starts a day after the simulator's peak hour, so the
 * last 24 hours hold one daily peak.
 */
export function simulatorWorlds(prefix: string, defaults: WorldOptions = {}) {
  const clock: ManualClock = createManualClock(new Date("2026-11-25T12:00:00Z"));
  let db: TestDatabase | undefined;
  let worlds = 0;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db?.drop());

  const database = (): TestDatabase => {
    if (!db) throw new Error("the test database is made in before(): use it inside a test");
    return db;
  };
  const nextAccountId = () => `${prefix}-${++worlds}`;
  const freshCloud = (options: WorldOptions = {}): CloudPort =>
    createSimCloud({ pool: database().pool, clock, accountId: nextAccountId(), ...defaults, ...options });
  return { clock, database, nextAccountId, freshCloud };
}
