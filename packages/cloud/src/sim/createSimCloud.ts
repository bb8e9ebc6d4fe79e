import type { CloudPort } from "@fastier/core";
import type pg from "pg";
import { seedFastierWorld } from "./fastierSeed.ts";
import { createDrawSource } from "./keyedRandom.ts";
import {
  describeGroups,
  findGroup,
  memoryPolicyOf,
  putMemoryTargetTracking,
  setDesiredCapacity,
  updateLimits,
} from "./simAutoScaling.ts";
import type { SimClock } from "./simClock.ts";
import {
  deleteInstanceWithoutSnapshot,
  describeDatabases,
  modifyInstance,
  promoteReadReplica,
  restoreToPointInTime,
  setMultiAz,
} from "./simDatabases.ts";
import { discoverWorld } from "./simDiscovery.ts";
import { getMetricData } from "./simMetrics.ts";
import {
  describePipeline,
  getExecution,
  getPipelineState,
  listExecutions,
  rollbackStage,
  startExecution,
  stopExecution,
} from "./simPipelines.ts";
import { createSnapshot, describeSnapshots } from "./simSnapshots.ts";
import type { SimChange, SimContext, SimWorld } from "./simState.ts";
import { createSimStateStore } from "./simStateStore.ts";

export interface SimCloudOptions {
  pool: pg.Pool;
  clock: SimClock;
  /** The `sim_accounts` row holding this simulated account. */
  accountId?: string;
  region?: string;
  /** Chance (0..1) that a pipeline execution fails at one of its stages. */
  pipelineFailureRate?: number;
  /** Replaces the keyed, deterministic draws (pipeline outcomes, boot times) with this generator; ids stay keyed. */
  random?: () => number;
}

/** The simulated Fastier AWS account behind the same port as the AWS adapter. */
export function createSimCloud(options: SimCloudOptions): CloudPort {
  const accountId = options.accountId ?? "fastier";
  const region = options.region ?? "us-east-1";
  const pipelineFailureRate = options.pipelineFailureRate ?? 0.1;
  if (!(pipelineFailureRate >= 0 && pipelineFailureRate <= 1)) {
    throw new RangeError(`pipelineFailureRate must be between 0 and 1; got ${pipelineFailureRate}`);
  }
  const draw = createDrawSource(options.random);
  const store = createSimStateStore({
    pool: options.pool,
    accountId,
    clock: options.clock,
    seed: (now) => seedFastierWorld({ now, region, idSalt: accountId }),
  });

  const change = <T>(apply: (world: SimWorld, ctx: SimContext) => SimChange<T>): Promise<T> =>
    store.transact((world, now) => apply(world, { now, draw, pipelineFailureRate }));
  // Reads still store the advanced world, so every process sees transitions happen once.
  const read = <T>(view: (world: SimWorld, now: number) => T): Promise<T> =>
    store.transact((world, now) => ({ world, result: view(world, now) }));

  return {
    provider: "sim",
    region,
    autoScaling: {
      describeGroups: (names) => read((world) => describeGroups(world, names)),
      setDesiredCapacity: (groupName, desired) =>
        change((world, ctx) => setDesiredCapacity(world, ctx, groupName, desired)),
      updateLimits: (groupName, limits) => change((world, ctx) => updateLimits(world, ctx, groupName, limits)),
      describeMemoryTargetTracking: (groupName) => read((world) => memoryPolicyOf(findGroup(world, groupName))),
      putMemoryTargetTracking: (groupName, policy) =>
        change((world) => putMemoryTargetTracking(world, groupName, policy)),
    },
    databases: {
      describeInstances: (identifiers) => read((world, now) => describeDatabases(world, now, identifiers)),
      promoteReadReplica: (identifier) => change((world, ctx) => promoteReadReplica(world, ctx, identifier)),
      restoreToPointInTime: (request) => change((world, ctx) => restoreToPointInTime(world, ctx, request)),
      createSnapshot: (instanceIdentifier, snapshotIdentifier) =>
        change((world, ctx) => createSnapshot(world, ctx, instanceIdentifier, snapshotIdentifier)),
      describeSnapshots: (filter) => read((world, now) => describeSnapshots(world, now, filter)),
      setMultiAz: (identifier, multiAz) => change((world, ctx) => setMultiAz(world, ctx, identifier, multiAz)),
      modifyInstance: (identifier, modification, options) =>
        change((world, ctx) => modifyInstance(world, ctx, identifier, modification, options)),
      deleteInstanceWithoutSnapshot: (identifier) =>
        change((world, ctx) => deleteInstanceWithoutSnapshot(world, ctx, identifier)),
    },
    pipelines: {
      describePipeline: (name) => read((world) => describePipeline(world, name)),
      listExecutions: (pipelineName, limit) => read((world) => listExecutions(world, pipelineName, limit)),
      startExecution: (pipelineName, request) =>
        change((world, ctx) => startExecution(world, ctx, pipelineName, request)),
      getExecution: (pipelineName, executionId) => read((world) => getExecution(world, pipelineName, executionId)),
      stopExecution: (pipelineName, executionId, stopOptions) =>
        change((world, ctx) => stopExecution(world, ctx, pipelineName, executionId, stopOptions)),
      getState: (pipelineName) => read((world) => getPipelineState(world, pipelineName)),
      rollbackStage: (pipelineName, stageName, targetExecutionId) =>
        change((world, ctx) => rollbackStage(world, ctx, pipelineName, stageName, targetExecutionId)),
    },
    metrics: {
      getMetricData: (request) => read((world, now) => getMetricData(world, now, request)),
    },
    discovery: {
      discover: () => read((world, now) => discoverWorld(world, now)),
    },
  };
}
