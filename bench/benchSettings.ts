/** The bench's knobs; only the bench reads these variables, the app never sees them. */
export interface BenchSettings {
  /** Length of the measured run per target (a 2-second warm-up comes first). */
  durationSeconds: number;
  connections: number;
  resources: number;
  /** Pool size for both targets, so that neither wins by having more connections. */
  poolMax: number;
  /** Existing server to use instead of a throwaway embedded one. */
  databaseUrl: string | undefined;
}

export const WARM_UP_SECONDS = 2;

export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  return {
    durationSeconds: positiveInteger(env, "BENCH_DURATION_SECONDS", 10),
    connections: positiveInteger(env, "BENCH_CONNECTIONS", 64),
    resources: positiveInteger(env, "BENCH_RESOURCES", 2000),
    poolMax: 10,
    databaseUrl: env.DATABASE_URL || undefined,
  };
}

/** A bench knob from the environment: a positive integer, or the fallback when unset. */
export function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}
