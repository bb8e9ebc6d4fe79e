import { positiveInteger } from "./benchSettings.ts";
/** The sweep bench's knobs; only the bench reads these variables, the app never sees them. */
export interface SweepBenchSettings {
  /** The fleet measured against the target. */
  instances: number;
  /** A smaller fleet swept the same way, to show the sweep's memory does not grow with the fleet. */
  compareInstances: number;
  instancesPerGroup: number;
  /** Existing server to use instead of a throwaway embedded one. */
  databaseUrl: string | undefined;
}

/** Targets for the large fleet, wall clock: the sweep the worker runs every five minutes, and the first one. */
export const STEADY_SWEEP_TARGET_MS = 1_500;
export const FIRST_SWEEP_TARGET_MS = 3_000;
/** The process's peak resident memory during either sweep. */
export const PEAK_RSS_TARGET_MB = 400;
/** The inventory sync of the large fleet's resources. */
export const SYNC_TARGET_MS = 5_000;
/** The whole bench stops (and cleans up) if it runs longer than this. */
export const BENCH_DEADLINE_MS = 5 * 60_000;

export function readSweepBenchSettings(env: NodeJS.ProcessEnv = process.env): SweepBenchSettings {
  const instancesPerGroup = 10;
  const settings = {
    instances: positiveInteger(env, "BENCH_SWEEP_INSTANCES", 10_000),
    compareInstances: positiveInteger(env, "BENCH_SWEEP_COMPARE_INSTANCES", 1_000),
    instancesPerGroup,
    databaseUrl: env.DATABASE_URL || undefined,
  };
  for (const [name, value] of [
    ["BENCH_SWEEP_INSTANCES", settings.instances],
    ["BENCH_SWEEP_COMPARE_INSTANCES", settings.compareInstances],
  ] as const) {
    if (value % instancesPerGroup !== 0) throw new Error(`${name} must be a multiple of ${instancesPerGroup}`);
  }
  return settings;
}
