import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBackgroundWriter } from "../src/health/sweep/backgroundWriter.ts";

/** A write the test finishes by hand, so the order of events is the test's, not a clock's. */
function controlledWrites() {
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const started: number[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const write = (item: number) =>
    new Promise<void>((resolve, reject) => {
      started.push(item);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      const done = () => {
        running -= 1;
        pending.delete(item);
      };
      pending.set(item, {
        resolve: () => {
          done();
          resolve();
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
    });
  return { write, pending, started, mostAtOnce: () => mostAtOnce };
}

describe("background writer", () => {
  it("keeps at most inFlight writes running and starts the next as one ends", async () => {
    const writes = controlledWrites();
    const writer = createBackgroundWriter(writes.write, { inFlight: 2 });
    await writer.submit(1);
    await writer.submit(2);
    const third = writer.submit(3);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(writes.started, [1, 2], "the third waits for a free place");
    writes.pending.get(1)?.resolve();
    await third;
    assert.deepEqual(writes.started, [1, 2, 3]);
    const finished = writer.finish();
    writes.pending.get(2)?.resolve();
    writes.pending.get(3)?.resolve();
    await finished;
    assert.equal(writes.mostAtOnce(), 2);
  });

  it("throws a failed write from the next submit and from finish", async () => {
    const writes = controlledWrites();
    const writer = createBackgroundWriter(writes.write, { inFlight: 1 });
    await writer.submit(1);
    const next = writer.submit(2);
    writes.pending.get(1)?.reject(new Error("connection lost"));
    await assert.rejects(next, /connection lost/);
    assert.deepEqual(writes.started, [1], "nothing more is written after a failure");
    await assert.rejects(writer.finish(), /connection lost/);
  });

  it("settles without throwing, for a caller that is already failing", async () => {
    const writes = controlledWrites();
    const writer = createBackgroundWriter(writes.write, { inFlight: 2 });
    await writer.submit(1);
    const settled = writer.settle();
    writes.pending.get(1)?.reject(new Error("disk full"));
    await settled;
    assert.equal(writes.pending.size, 0);
  });
});
