import { stageDuration } from "./pipelineStageEngine.ts";
import type { SimPipeline, SimWorld } from "./simState.ts";
import { MINUTE, toMs } from "./simTime.ts";

/**
 * Faulty releases, for demonstrations and tests: a source revision that
 * begins with `faulty-` serves a share of 5xx answers and slower responses
 * once its deploy stage is live, and stops as soon as another release (a
 * rollback, or the next deploy) is live instead. `faulty-<N>m-…` goes bad only
 * N minutes after its deploy stage succeeded (a leak, a cache that fills up),
 * which is what a bake time is for. The same goes for an application version
 * label put on an environment (by CreateEnvironment or UpdateEnvironment):
 * `faulty-…` is bad once it is out, `faulty-<N>m-…` N minutes after the
 * environment is Ready with it. The release live at a moment is read from the
 * stored stage runs and version deploys, so past metrics stay exact.
 */

export const FAULTY_REVISION_PREFIX = "faulty-";
const DELAYED = /^faulty-(\d{1,4})m-/;

export const FAULTY_RELEASE = {
  /** Share of requests a fully deployed faulty release answers with a 5xx. */
  errorShare: 0.3,
  /** Added to every response while a faulty release is fully deployed. */
  addedLatencySeconds: 0.3,
} as const;

/** Pipelines whose last stage deploys to the simulated Beanstalk environment (the load balancer's). */
export const deploysToEnvironment = (pipeline: SimPipeline): boolean =>
  pipeline.attributes.deployProvider === "ElasticBeanstalk";

interface DeployRun {
  startedAt: number;
  /** When the run stopped or failed: its release stops serving then. Null while it counts. */
  abandonedAt: number | null;
  durationMs: number;
  faulty: boolean;
  /** For a delayed fault: when it starts (its stage's end plus the delay); null while the stage runs. */
  goesBadAt: number | null;
  delayed: boolean;
}

/** Every run of a deploy stage into the environment and every version put on it, oldest first. */
function deployRuns(world: SimWorld, environmentId: string): DeployRun[] {
  const runs: DeployRun[] = [];
  for (const deploy of world.blueGreen.versionDeploys.filter((d) => d.environmentId === environmentId)) {
    const delay = DELAYED.exec(deploy.versionLabel)?.[1];
    runs.push({
      delayed: delay !== undefined,
      goesBadAt: delay !== undefined ? toMs(deploy.readyAt) + Number(delay) * MINUTE : null,
      startedAt: toMs(deploy.startedAt),
      abandonedAt: null,
      durationMs: Math.max(MINUTE, toMs(deploy.readyAt) - toMs(deploy.startedAt)),
      faulty: deploy.versionLabel.startsWith(FAULTY_REVISION_PREFIX),
    });
  }
  // The pipelines' deploy action updates the environment the account was seeded with.
  const pipelines = environmentId === world.beanstalkEnvironment.cloudId ? world.pipelines : [];
  for (const pipeline of pipelines.filter(deploysToEnvironment)) {
    const stage = pipeline.stages.at(-1);
    if (!stage) continue;
    for (const execution of pipeline.executions) {
      const run = execution.stageRuns[stage];
      if (!run) continue;
      const abandoned = run.status === "Failed" || run.status === "Stopped";
      const delay = DELAYED.exec(execution.sourceRevision)?.[1];
      runs.push({
        delayed: delay !== undefined,
        goesBadAt: delay !== undefined && run.finishedAt ? toMs(run.finishedAt) + Number(delay) * MINUTE : null,
        startedAt: toMs(run.startedAt),
        abandonedAt: abandoned && run.finishedAt ? toMs(run.finishedAt) : null,
        durationMs: stageDuration(stage),
        faulty: execution.sourceRevision.startsWith(FAULTY_REVISION_PREFIX),
      });
    }
  }
  return runs.sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * How much of the traffic a faulty release serves at each moment (0..1): the
 * newest deploy run that has started and was not stopped or failed by then is
 * live; a faulty one rolls out over its stage's duration, as a rolling deploy does.
 */
export function faultyShareSampler(
  world: SimWorld,
  environmentId: string = world.beanstalkEnvironment.cloudId,
): (time: number) => number {
  const runs = deployRuns(world, environmentId);
  return (time) => {
    for (let i = runs.length - 1; i >= 0; i -= 1) {
      const run = runs[i] as DeployRun;
      if (run.startedAt > time) continue;
      if (run.abandonedAt !== null && run.abandonedAt <= time) continue;
      if (!run.faulty) return 0;
      if (run.delayed) return run.goesBadAt !== null && time >= run.goesBadAt ? 1 : 0;
      return Math.min(1, (time - run.startedAt) / run.durationMs);
    }
    return 0;
  };
}

/**
 * Beanstalk's colour for an environment a faulty release is rolling over: Yellow while some of it
 * is bad, Red once most of it is (enhanced health's "Severe": a large share of requests failing).
 */
export function healthUnderFaults(health: string, faultyShare: number): string {
  if (health !== "Green" && health !== "Yellow") return health;
  if (faultyShare > 0.75) return "Red";
  return faultyShare > 0 ? "Yellow" : health;
}

/** Targets a faulty release makes fail their health checks: half of them once it is fully out. */
export const unhealthyTargetsUnderFaults = (targets: number, faultyShare: number): number =>
  Math.floor((targets * faultyShare) / 2);
