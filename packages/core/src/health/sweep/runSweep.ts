import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { MetricSeries, MetricStatistic } from "../../cloud/cloudTypes.ts";
import type { Resource } from "../../inventory/types.ts";
import { recommendationsForFindings, settleRecommendations } from "../recommendations/sweepRecommendations.ts";
import { evaluateBackupReplication } from "../rules/backupReplicationRule.ts";
import { evaluateDrGaps } from "../rules/databaseRules.ts";
import { evaluateDrillScratchLeftBehind, isDrillScratch } from "../rules/drillScratchRule.ts";
import { evaluateResource } from "../rules/evaluateResource.ts";
import {
  findingKey,
  type HealthRuleId,
  type RuleEvaluation,
  reconcileFindings,
  transitionOf,
} from "../rules/findingTypes.ts";
import { createBackgroundWriter } from "./backgroundWriter.ts";
import { collectMetrics } from "./collectMetrics.ts";
import { queryIndexOf, sweepQueryPlan } from "./metricQueryPlan.ts";
import { SWEEP_DEFAULTS, SWEEP_PERIOD_MS, type SweepSettings, sweepWindow } from "./sweepSettings.ts";
import type { HealthStore, SampleColumns, SweepError, SweepRun, SweepStats } from "./sweepTypes.ts";

export interface SweepDependencies {
  cloud: CloudPort;
  health: HealthStore;
  now: () => Date;
  settings?: Partial<SweepSettings>;
}

const DAY_MS = 86_400_000;
const seriesKey = (metricName: string, stat: string) => `${metricName}/${stat}`;

function emptyStats(): SweepStats {
  return {
    resources: 0,
    metricQueries: 0,
    datapoints: 0,
    samplesWritten: 0,
    cloudCalls: 0,
    findingsOpened: 0,
    findingsUpdated: 0,
    findingsResolved: 0,
    recommendationsCreated: 0,
    recommendationsClosed: 0,
    samplesPruned: 0,
    cloudMs: 0,
    databaseMs: 0,
  };
}

/**
 * One health sweep: inventory → CloudWatch, batch by batch → samples stored
 * → rules → findings opened, kept or resolved → recommendations added or
 * superseded → old samples pruned. The caller holds the sweep lock.
 *
 * A refused metric batch or a rule that throws for one resource is recorded
 * and the rest goes on (status `partial`). Every write is an upsert or is
 * reconciled against what is stored, so a sweep that dies half-way is simply
 * redone by the next one. Each resource's series are evaluated as soon as its
 * last query is answered and then dropped, so memory does not grow with the fleet.
 */
export async function runSweep(deps: SweepDependencies, trigger: string): Promise<SweepRun> {
  const settings: SweepSettings = { ...SWEEP_DEFAULTS, ...deps.settings };
  const stats = emptyStats();
  const errors: SweepError[] = [];
  const db = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      stats.databaseMs += performance.now() - started;
    }
  };

  const startedAt = deps.now();
  const window = sweepWindow(startedAt, settings.windowPeriods);
  const { sweep, previousWindowEnd } = await db(() =>
    deps.health.startSweep({ trigger, startedAt, windowStart: window.start, windowEnd: window.end }),
  );
  try {
    const resources = await db(() => deps.health.sweepResources(deps.cloud.region));
    const resourcesById = new Map(resources.map((resource) => [resource.id, resource]));
    const open = new Map(
      (await db(() => deps.health.openFindings())).map((f) => [findingKey(f.resourceId, f.ruleId), f]),
    );
    const openFinding = (resourceId: string) => (ruleId: HealthRuleId) =>
      open.get(findingKey(resourceId, ruleId)) ?? null;
    stats.resources = resources.length;

    const evaluations: RuleEvaluation[] = [];
    const evaluate = (resource: Resource, produce: () => RuleEvaluation[]) => {
      try {
        for (const evaluation of produce()) {
          // Kept only if it changes a finding: on a healthy fleet nearly every verdict is "clear" with none open.
          if (transitionOf(open.has(findingKey(evaluation.resourceId, evaluation.ruleId)), evaluation) === "none")
            continue;
          evaluations.push(evaluation);
        }
      } catch (error) {
        errors.push({ scope: "resource", resourceId: resource.id, message: messageOf(error) });
      }
    };

    // Samples before the last finished sweep's window end are stored already; the last period is rewritten in case it was late.
    const newFrom = previousWindowEnd ?? window.start;
    const writeFrom = previousWindowEnd
      ? Math.max(window.start.getTime(), previousWindowEnd.getTime() - SWEEP_PERIOD_MS)
      : window.start.getTime();
    const plan = sweepQueryPlan(resources);
    stats.metricQueries = plan.size;
    const pendingQueries = plan.queryCounts();
    const seriesByResource = new Map<string, Map<string, MetricSeries>>();
    // Every series this sweep may write, named once, while the cloud answers the first batch: samples carry
    // the index of their query until they are written, and the store's integer id from then on.
    const resolving = db(() =>
      deps.health.resolveSeries(Array.from({ length: plan.size }, (_, index) => plan.subjectAt(index))),
    );
    // Awaited by the first write, or after collection when nothing was written; never an unhandled rejection.
    resolving.catch(() => {});

    // The database writes batches of samples while the cloud answers the next one. Two writes at a time let
    // PostgreSQL use a second core for the first sweep's backfill; the batches hold distinct series, so
    // concurrent writes never wait on each other's rows.
    const sampleWriter = createBackgroundWriter(
      async (samples: SampleColumns) => {
        // Awaited first: `+= await` would read the count before the wait and lose the other write's rows.
        const seriesIds = await resolving;
        // The batch's query indexes become series ids in place: the batch is this write's alone.
        for (let i = 0; i < samples.seriesIds.length; i += 1) {
          samples.seriesIds[i] = seriesIds[samples.seriesIds[i] as number] as number;
        }
        const written = await db(() => deps.health.writeSamples(samples, newFrom));
        stats.samplesWritten += written;
      },
      { inFlight: 2 },
    );
    const collecting = collectMetrics(deps.cloud, plan.queries(), window, async (batch) => {
      const answered = new Map(batch.series.map((series) => [series.id, series]));
      const samples = allocateSamples(batch.series);
      let count = 0;
      for (const query of batch.queries) {
        const index = queryIndexOf(query);
        const subject = plan.subjectAt(index);
        const series = answered.get(query.id) ?? {
          id: query.id,
          points: [],
          complete: false,
          message: batch.failure?.error ?? "no answer for this query",
        };
        stats.datapoints += series.points.length;
        for (const point of series.points) {
          const timestamp = point.timestamp.getTime();
          if (timestamp < writeFrom) continue;
          samples.seriesIds[count] = index;
          samples.timestamps[count] = timestamp;
          samples.values[count] = point.value;
          count += 1;
        }
        const ofResource = seriesByResource.get(subject.resourceId) ?? new Map<string, MetricSeries>();
        ofResource.set(seriesKey(subject.metricName, subject.stat), series);
        seriesByResource.set(subject.resourceId, ofResource);
        const left = (pendingQueries.get(subject.resourceId) ?? 1) - 1;
        pendingQueries.set(subject.resourceId, left);
        if (left === 0) {
          const resource = resourcesById.get(subject.resourceId) as Resource;
          evaluate(resource, () =>
            evaluateResource(
              resource,
              (metricName: string, stat: MetricStatistic) => ofResource.get(seriesKey(metricName, stat)),
              openFinding(resource.id),
              settings,
            ),
          );
          seriesByResource.delete(subject.resourceId);
        }
      }
      if (count > 0) await sampleWriter.submit(trimSamples(samples, count));
    });
    const summary = await collecting.finally(() => sampleWriter.settle());
    await sampleWriter.finish();
    await resolving;
    stats.cloudCalls = summary.calls;
    stats.cloudMs = summary.cloudMs;
    for (const failure of summary.failures) {
      errors.push({ scope: "metrics", message: failure.error, queries: failure.queries, retryable: failure.retryable });
    }

    for (const databases of databasesByEnvironment(resources).values()) {
      // A drill's scratch instance is not a database to protect: it only must not be left behind.
      const protectedDatabases = databases.filter((db) => !isDrillScratch(db));
      evaluations.push(...evaluateDrGaps({ databases: protectedDatabases, now: startedAt }));
      evaluations.push(...evaluateBackupReplication({ databases: protectedDatabases, now: startedAt }));
    }
    for (const resource of resources) evaluations.push(...evaluateDrillScratchLeftBehind(resource, startedAt));
    // A finding about a resource no longer swept (gone, or removed) has nothing left to watch.
    for (const finding of open.values()) {
      if (resourcesById.has(finding.resourceId)) continue;
      evaluations.push({
        verdict: "clear",
        ruleId: finding.ruleId,
        resourceId: finding.resourceId,
        evidence: [],
        summary: "the resource is gone from the inventory",
      });
    }

    const changes = reconcileFindings([...open.values()], evaluations, startedAt);
    stats.findingsOpened = changes.toOpen.length;
    stats.findingsUpdated = changes.toUpdate.length;
    stats.findingsResolved = changes.toResolve.length;
    const openAfter = await db(() => deps.health.applyFindingChanges(sweep.id, changes));

    const fresh = recommendationsForFindings(openAfter, resourcesById, settings.targetMemoryPercent, {
      backupReplication: settings.backupReplication,
    });
    for (const error of fresh.errors) errors.push({ scope: "resource", ...error });
    const current = await db(() => deps.health.currentRecommendations());
    const recommendationChanges = await db(() =>
      deps.health.applyRecommendationChanges(settleRecommendations(current, fresh.recommendations), startedAt),
    );
    stats.recommendationsCreated = recommendationChanges.created;
    stats.recommendationsClosed = recommendationChanges.closed;

    stats.samplesPruned = await db(() =>
      deps.health.pruneSamples(new Date(startedAt.getTime() - settings.retentionDays * DAY_MS)),
    );
    return await finish(deps, sweep.id, stats, errors, null);
  } catch (error) {
    return await finish(deps, sweep.id, stats, errors, messageOf(error));
  }
}

async function finish(
  deps: SweepDependencies,
  id: string,
  stats: SweepStats,
  errors: SweepError[],
  fatal: string | null,
): Promise<SweepRun> {
  const rounded = { ...stats, cloudMs: Math.round(stats.cloudMs), databaseMs: Math.round(stats.databaseMs) };
  const status = fatal ? "failed" : errors.length > 0 ? "partial" : "succeeded";
  return deps.health.finishSweep(id, { status, finishedAt: deps.now(), stats: rounded, errors, error: fatal });
}

/** Room for every point of a batch; those before the write window are left out, so `trimSamples` follows. */
function allocateSamples(series: MetricSeries[]): SampleColumns {
  let points = 0;
  for (const one of series) points += one.points.length;
  return { seriesIds: new Int32Array(points), timestamps: new Float64Array(points), values: new Float64Array(points) };
}

function trimSamples(samples: SampleColumns, count: number): SampleColumns {
  return {
    seriesIds: samples.seriesIds.subarray(0, count),
    timestamps: samples.timestamps.subarray(0, count),
    values: samples.values.subarray(0, count),
  };
}

function databasesByEnvironment(resources: Resource[]): Map<string, Resource[]> {
  const byEnvironment = new Map<string, Resource[]>();
  for (const resource of resources) {
    if (resource.kind !== "db_instance") continue;
    byEnvironment.set(resource.environmentId, [...(byEnvironment.get(resource.environmentId) ?? []), resource]);
  }
  return byEnvironment;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
