import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PipelineExecutionSummary } from "../src/index.ts";
import { lastKnownGoodOf } from "../src/index.ts";

/** Executions newest first, by name: `id:status:revision[:rollback]`. */
function history(...entries: string[]): PipelineExecutionSummary[] {
  return entries.map((entry) => {
    const [executionId = "", status = "", sourceRevision = "", rollback] = entry.split(":");
    return {
      executionId,
      status: status as PipelineExecutionSummary["status"],
      sourceRevision,
      trigger: rollback ? "ManualRollback" : "Webhook",
      startedAt: null,
      updatedAt: null,
    };
  });
}
const current = (executions: PipelineExecutionSummary[], id: string) => {
  const found = executions.find((e) => e.executionId === id);
  return found ? { executionId: found.executionId, sourceRevision: found.sourceRevision } : null;
};

describe("the last known-good release", () => {
  const cases: { name: string; executions: string[]; current: string; expected: string | null }[] = [
    {
      name: "the success before the live one",
      executions: ["d:Succeeded:r4", "c:Failed:r3", "b:Succeeded:r2"],
      current: "d",
      expected: "b",
    },
    {
      name: "a deploy stopped by the gate returns to what ran before it",
      executions: ["x:Stopped:bad", "y:Succeeded:r2", "z:Succeeded:r1"],
      current: "x",
      expected: "y",
    },
    {
      name: "after a rollback, neither the rolled-back release nor the live revision",
      executions: ["r:Succeeded:r2:rollback", "x:Succeeded:bad", "y:Succeeded:r2", "z:Succeeded:r1"],
      current: "r",
      expected: "z",
    },
    {
      name: "a stopped release a rollback replaced is skipped, not the one before it",
      executions: ["d:Succeeded:r5", "r:Succeeded:r2:rollback", "x:Stopped:bad", "y:Succeeded:r2", "z:Succeeded:r1"],
      current: "d",
      expected: "y",
    },
    {
      name: "executions newer than the one in the stage are not releases yet",
      executions: ["n:Succeeded:r9", "d:Succeeded:r4", "b:Succeeded:r2"],
      current: "d",
      expected: "b",
    },
    {
      name: "none when nothing earlier succeeded",
      executions: ["d:Succeeded:r4", "c:Failed:r3"],
      current: "d",
      expected: null,
    },
  ];
  for (const { name, executions, current: id, expected } of cases) {
    it(name, () => {
      const list = history(...executions);
      assert.equal(lastKnownGoodOf(list, current(list, id))?.executionId ?? null, expected);
    });
  }
});
