import { createSimCloud, type ManualClock, type SimCloudOptions } from "@fastier/cloud";
import type { CloudPort, PipelinePort, Resource } from "../../src/index.ts";
import { FASTIER_PRODUCTION_RESOURCES } from "../../src/index.ts";

const seed = FASTIER_PRODUCTION_RESOURCES.find((r) => r.kind === "pipeline");
if (!seed) throw new Error("the example inventory has no pipeline");

/** The example inventory's pipeline as the operations receive it: the simulator seeds the same one. */
export const PIPELINE_NAME = seed.cloudId;
export const pipelineTarget = {
  ...seed,
  id: "res-pipeline",
  environmentId: "env-1",
  status: "active",
  parentId: null,
} as unknown as Resource;

let accounts = 0;

/**
 * A simulated account of its own, so each test starts from the seeded history
 * (two old executions, the newest Succeeded) and nothing another test started
 * runs in it. `driveOperation` gives every operation the same id, which is the
 * start token: in a shared account a second start would return the first's execution.
 */
export function freshSimCloud(
  pool: SimCloudOptions["pool"],
  clock: ManualClock,
  pipelineFailureRate: 0 | 1,
): CloudPort {
  accounts += 1;
  return createSimCloud({ pool, clock, pipelineFailureRate, accountId: `pipelines-${process.pid}-${accounts}` });
}

/**
 * The cloud with one pipeline method counted (calls, and what each successful one returned),
 * to prove a repeated step does not repeat a cloud call (or repeats it harmlessly).
 */
export function countingPipelineCalls(
  cloud: CloudPort,
  method: "startExecution" | "stopExecution" | "rollbackStage",
): { cloud: CloudPort; calls: () => number; returned: unknown[] } {
  let calls = 0;
  const returned: unknown[] = [];
  const pipelines: PipelinePort = {
    describePipeline: (name) => cloud.pipelines.describePipeline(name),
    listExecutions: (name, limit) => cloud.pipelines.listExecutions(name, limit),
    startExecution: (name, request) => cloud.pipelines.startExecution(name, request),
    getExecution: (name, id) => cloud.pipelines.getExecution(name, id),
    stopExecution: (name, id, options) => cloud.pipelines.stopExecution(name, id, options),
    getState: (name) => cloud.pipelines.getState(name),
    rollbackStage: (name, stage, target) => cloud.pipelines.rollbackStage(name, stage, target),
  };
  const original = pipelines[method] as (...args: unknown[]) => Promise<unknown>;
  (pipelines as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    calls += 1;
    const answer = await original(...args);
    returned.push(answer);
    return answer;
  };
  return { cloud: { ...cloud, pipelines }, calls: () => calls, returned };
}
