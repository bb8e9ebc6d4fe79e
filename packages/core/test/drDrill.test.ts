import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  deadlineOf,
  drDrill,
  lostLeaseLimitOf,
  MAX_LOST_LEASES,
  type StepOutcome,
  scratchIdentifierOf,
  throughCleanup,
} from "../src/index.ts";
import { rdsIdentifierProblems } from "../src/operations/kinds/rdsIdentifier.ts";

const OPERATION_ID = "3f2a9c1e-0000-4000-8000-000000000001";
const DEADLINE = new Date("2026-11-25T14:00:00Z");
const at = (step: string, state: Record<string, unknown> = {}) => ({ step, state, deadlineAt: DEADLINE });

describe("a drill's scratch identifier", () => {
  it("is <source>-drill-<8 hex> and always a valid RDS identifier, however long the source", () => {
    assert.equal(scratchIdentifierOf("fastier-db", OPERATION_ID), "fastier-db-drill-3f2a9c1e");
    for (const source of [
      "a",
      "Fastier-DB",
      `db-${"x".repeat(58)}`,
      `db-${"y".repeat(44)}-z`,
      "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w",
    ]) {
      const scratch = scratchIdentifierOf(source, OPERATION_ID);
      assert.deepEqual(rdsIdentifierProblems("/scratch", scratch), [], scratch);
      assert.ok(scratch.endsWith("-drill-3f2a9c1e"), scratch);
    }
  });
});

describe("the cleanup step every ending goes through", () => {
  const failed: StepOutcome = { type: "failed", code: "timed_out", message: "the deadline passed", result: { a: 1 } };
  const deleted: StepOutcome = { type: "succeeded", message: "scratch instance x deleted", result: { deletedAt: "t" } };

  it("moves a failure or a cancel outside the step into it, keeping the ending in the state", () => {
    const diverted = throughCleanup(drDrill, at("await_available"), failed);
    assert.equal(diverted.type, "advance");
    assert.equal(diverted.type === "advance" && diverted.step, "delete_scratch");
    assert.deepEqual(diverted.type === "advance" && diverted.state, { ending: failed });
    const cancelled = throughCleanup(drDrill, at("restore"), { type: "cancelled", message: "cancelled" });
    assert.equal(cancelled.type === "advance" && cancelled.step, "delete_scratch");
  });

  it("passes other outcomes through, and changes nothing for a kind without a cleanup step", () => {
    const wait: StepOutcome = { type: "wait", recheckAfterMs: 1, message: "creating" };
    assert.equal(throughCleanup(drDrill, at("await_available"), wait), wait);
    assert.equal(throughCleanup({ cleanup: undefined }, at("wait"), failed), failed);
  });

  it("ends with the saved ending once the cleanup succeeds, its words appended", () => {
    const ended = throughCleanup(drDrill, at("delete_scratch", { ending: failed }), deleted);
    assert.equal(ended.type, "failed");
    assert.equal(ended.type === "failed" && ended.code, "timed_out");
    assert.equal(ended.message, "the deadline passed; scratch instance x deleted");
    assert.deepEqual(ended.type === "failed" && ended.result, { a: 1, cleanup: { deletedAt: "t" } });
    const cancelled = throughCleanup(
      drDrill,
      at("delete_scratch", { ending: { type: "cancelled", message: "c" } }),
      deleted,
    );
    assert.deepEqual(cancelled, { type: "cancelled", message: "c; scratch instance x deleted" });
  });

  it("fails when the cleanup fails, even after a cancel, so someone looks", () => {
    const refused: StepOutcome = { type: "failed", code: "cloud_access_denied", message: "not authorized" };
    const ended = throughCleanup(
      drDrill,
      at("delete_scratch", { ending: { type: "cancelled", message: "c" } }),
      refused,
    );
    assert.equal(ended.type === "failed" && ended.code, "cleanup_failed");
    assert.match(ended.message, /^c; then delete_scratch failed: not authorized$/);
  });

  it("lets its own way out through: a drill that succeeds ends in the step", () => {
    assert.equal(throughCleanup(drDrill, at("delete_scratch"), deleted), deleted);
  });

  it("gives the step its grace past the deadline and as many lost workers again", () => {
    assert.equal(deadlineOf(drDrill, at("check")).deadlineAt.getTime(), DEADLINE.getTime());
    assert.equal(deadlineOf(drDrill, at("delete_scratch")).deadlineAt.getTime(), DEADLINE.getTime() + 60 * 60_000);
    assert.equal(lostLeaseLimitOf(drDrill, at("check")), MAX_LOST_LEASES);
    assert.equal(lostLeaseLimitOf(drDrill, at("delete_scratch")), 2 * MAX_LOST_LEASES);
  });
});
