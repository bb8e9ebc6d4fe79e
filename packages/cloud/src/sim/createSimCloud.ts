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
import { describeReplicatedBackup, startReplication, stopReplication } from "./simBackupReplication.ts";
import { describeEnvironment, describeEvents, updateInstanceTypes } from "./simBeanstalkUpdates.ts";
import {
  configurationTemplateExists,
  createConfigurationTemplate,
  createEnvironment,
  describeVersionHistory,
  findEnvironmentByName,
  swapEnvironmentCnames,
  terminateEnvironment,
  updateEnvironmentVersion,
} from "./simBlueGreen.ts";
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
import {
  createLaunchTemplateVersion,
  describeInstanceRefreshes,
  describeLaunchTemplate,
  listLaunchTemplateVersions,
  startInstanceRefresh,
} from "./simInstanceRefresh.ts";
import {
  describeTargetHealth,
  environmentHealth,
  findBalancerForEnvironment,
  findBalancerForPipeline,
} from "./simLoadBalancer.ts";
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
import type { PlainGroupSeed } from "./simPlainGroups.ts";
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
  /** Groups outside Beanstalk, with launch templates of their own, seeded with a new account (Fastier's has none). */
  plainGroups?: readonly PlainGroupSeed[];
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
    seed: (now) => seedFastierWorld({ now, region, idSalt: accountId, plainGroups: options.plainGroups }),
  });

  const change = <T>(apply: (world: SimWorld, ctx: SimContext) => SimChange<T>): Promise<T> =>
    store.transact((world, now) => apply(world, { now, draw, pipelineFailureRate }));
  // Reads still store the advanced world, so every process sees transitions happen once.
  const read = <T>(view: (world: SimWorld, now: number) => T): Promise<T> => store.read(view);

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
      describeLaunchTemplate: (groupName) => read((world) => describeLaunchTemplate(world, groupName)),
      listLaunchTemplateVersions: (templateId) => read((world) => listLaunchTemplateVersions(world, templateId)),
      createLaunchTemplateVersion: (request) =>
        change((world, ctx) => createLaunchTemplateVersion(world, ctx, request)),
      startInstanceRefresh: (groupName, request) =>
        change((world, ctx) => startInstanceRefresh(world, ctx, groupName, request)),
      describeInstanceRefreshes: (groupName) => read((world) => describeInstanceRefreshes(world, groupName)),
    },
    beanstalk: {
      describeEnvironment: (environmentId) => read((world) => describeEnvironment(world, environmentId)),
      updateInstanceTypes: (environmentId, instanceTypes) =>
        change((world, ctx) => updateInstanceTypes(world, ctx, environmentId, instanceTypes)),
      describeEvents: (environmentId, since) => read((world) => describeEvents(world, environmentId, since)),
      findEnvironmentByName: (name) => read((world, now) => findEnvironmentByName(world, now, name)),
      configurationTemplateExists: (applicationName, templateName) =>
        read((world) => configurationTemplateExists(world, applicationName, templateName)),
      createConfigurationTemplate: (request) =>
        change((world, ctx) => createConfigurationTemplate(world, ctx, request)),
      createEnvironment: (request) => change((world, ctx) => createEnvironment(world, ctx, request)),
      swapEnvironmentCnames: (sourceId, destinationId) =>
        change((world, ctx) => swapEnvironmentCnames(world, ctx, sourceId, destinationId)),
      terminateEnvironment: (environmentId) => change((world, ctx) => terminateEnvironment(world, ctx, environmentId)),
      updateEnvironmentVersion: (environmentId, versionLabel) =>
        change((world, ctx) => updateEnvironmentVersion(world, ctx, environmentId, versionLabel)),
      describeVersionHistory: (environmentId) =>
        read((world, now) => describeVersionHistory(world, now, environmentId)),
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
    loadBalancers: {
      findForPipeline: (pipelineName) => read((world, now) => findBalancerForPipeline(world, now, pipelineName)),
      findForEnvironment: (environmentName) =>
        read((world, now) => findBalancerForEnvironment(world, now, environmentName)),
      describeTargetHealth: (targetGroupArn) => read((world, now) => describeTargetHealth(world, now, targetGroupArn)),
      environmentHealth: (environmentName) => read((world, now) => environmentHealth(world, now, environmentName)),
    },
    discovery: {
      discover: () => read((world, now) => discoverWorld(world, now)),
    },
    backupReplication: {
      describe: (destinationRegion, sourceArn) =>
        read((world, now) => describeReplicatedBackup(world, now, destinationRegion, sourceArn)),
      start: (destinationRegion, request) =>
        change((world, ctx) => startReplication(world, ctx, destinationRegion, request)),
      stop: (destinationRegion, sourceArn) =>
        change((world, ctx) => stopReplication(world, ctx, destinationRegion, sourceArn)),
    },
  };
}
