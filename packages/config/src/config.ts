import { type EnvSchema, validateEnv } from "./envValidation.ts";

/**
 * Requests a minute, per process. A key's 600 (10 a second) is far above what the UI or a script
 * polling operations needs, yet stops a runaway loop from taking the database's connections from
 * everyone else. Requests without a valid key (public routes, 401s) get 120 an address: enough
 * for the docs page and a few mistakes, and an address flooding bad keys is turned away before
 * each of them costs a database look-up.
 */
export const DEFAULT_RATE_LIMITS = { perKeyPerMinute: 600, perAddressPerMinute: 120 } as const;

/**
 * The one place that reads the environment. Every process (API, CLI tools,
 * benchmarks) builds its settings here; a bad value stops start-up with a
 * message naming the variable.
 */
const REGION = "[a-z]{2}(?:-gov)?-[a-z]+-\\d";
const REGION_PAIR = `${REGION}=${REGION}`;
const REGION_KEY = `${REGION}=arn:aws[a-z-]*:kms:${REGION}:\\d{12}:key/[A-Za-z0-9-]+`;
const listOf = (item: string) => `^${item}(?:,${item})*$`;

const schema = {
  type: "object",
  properties: {
    DATABASE_URL: {
      type: "string",
      pattern: "^postgres(ql)?://",
      description: "PostgreSQL to use; when unset an embedded server is started under DATA_DIR",
    },
    DATABASE_SECRET_ARN: {
      type: "string",
      pattern: "^arn:aws[a-z-]*:secretsmanager:",
      description: "Secrets Manager secret in RDS's JSON format, instead of DATABASE_URL (for AWS Lambda)",
    },
    DATA_DIR: { type: "string", minLength: 1, default: ".data" },
    PORT: { type: "integer", minimum: 0, maximum: 65535, default: 3000 },
    HOST: { type: "string", minLength: 1, default: "127.0.0.1" },
    LOG_LEVEL: {
      type: "string",
      enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      default: "info",
    },
    // No schema default: it depends on where the process runs (see DEFAULT_POOL_MAX).
    DB_POOL_MAX: { type: "integer", minimum: 1, maximum: 100 },
    SEED_ON_EMPTY: { type: "boolean", default: true },
    AUTH_CACHE_SECONDS: { type: "integer", minimum: 0, maximum: 300, default: 10 },
    RATE_LIMIT_PER_KEY_PER_MINUTE: {
      type: "integer",
      minimum: 0,
      maximum: 1_000_000,
      default: DEFAULT_RATE_LIMITS.perKeyPerMinute,
      description: "Requests a minute one API key may make (per process); 0 turns the limit off",
    },
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: {
      type: "integer",
      minimum: 0,
      maximum: 1_000_000,
      default: DEFAULT_RATE_LIMITS.perAddressPerMinute,
      description:
        "Requests a minute one client address may make without a valid API key (per process); 0 turns it off",
    },
    CLOUD_PROVIDER: { type: "string", enum: ["sim", "aws"], default: "sim" },
    AWS_REGION: { type: "string", pattern: "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$", default: "us-east-1" },
    AWS_ENDPOINT_URL: { type: "string", pattern: "^https?://" },
    AWS_MAX_ATTEMPTS: { type: "integer", minimum: 1, maximum: 20, default: 5 },
    SIM_TIME_SCALE: { type: "number", exclusiveMinimum: 0, maximum: 100000, default: 10 },
    SIM_START: { type: "string", pattern: "^(now|([01]\\d|2[0-3]):[0-5]\\d)$", default: "16:30" },
    SIM_PIPELINE_FAILURE_RATE: { type: "number", minimum: 0, maximum: 1, default: 0.1 },
    SYNC_INTERVAL_SECONDS: { type: "integer", minimum: 0, maximum: 86400, default: 300 },
    RECONCILE_INTERVAL_MS: { type: "integer", minimum: 100, maximum: 600000, default: 1000 },
    SWEEP_INTERVAL_SECONDS: { type: "integer", minimum: 0, maximum: 86400, default: 60 },
    METRIC_RETENTION_DAYS: { type: "integer", minimum: 1, maximum: 455, default: 14 },
    MEMORY_WARNING_PERCENT: { type: "number", exclusiveMinimum: 0, maximum: 100, default: 85 },
    MEMORY_CRITICAL_PERCENT: { type: "number", exclusiveMinimum: 0, maximum: 100, default: 95 },
    MEMORY_CLEAR_PERCENT: { type: "number", exclusiveMinimum: 0, maximum: 100, default: 75 },
    TARGET_MEMORY_PERCENT: { type: "number", exclusiveMinimum: 0, maximum: 100, default: 65 },
    BACKUP_REPLICATION_REGIONS: {
      type: "string",
      pattern: listOf(REGION_PAIR),
      maxLength: 2000,
      description:
        "Where recommendations replicate a region's automated backups, e.g. us-east-1=us-east-2, over the built-in partners (us-east-1=us-west-2, eu-west-1=eu-central-1, …)",
    },
    BACKUP_REPLICATION_KMS_KEYS: {
      type: "string",
      pattern: listOf(REGION_KEY),
      maxLength: 8000,
      description:
        "KMS key per destination region for replicated backups of encrypted databases, e.g. us-west-2=arn:aws:kms:us-west-2:123456789012:key/…",
    },
    WEBHOOK_DELIVERY_INTERVAL_MS: {
      type: "integer",
      minimum: 0,
      maximum: 600000,
      default: 500,
      description: "How often the worker looks for webhook deliveries to send; 0 turns delivery off",
    },
    DASHBOARD_BASE_URL: {
      type: "string",
      pattern: "^https?://[^\\s]+$",
      maxLength: 2000,
      description: "Where links in notifications point (the dashboard's address); the API's own address by default",
    },
    AWS_LAMBDA_FUNCTION_NAME: {
      type: "string",
      minLength: 1,
      description: "Set by AWS Lambda itself: the process is a Lambda function",
    },
  },
} as const satisfies EnvSchema;

/** Database connections per process when DB_POOL_MAX is unset: a Lambda container serves one request at a time. */
export const DEFAULT_POOL_MAX = { process: 10, lambda: 2 } as const;

export interface Config {
  databaseUrl: string | undefined;
  /** A Secrets Manager secret (RDS's JSON format) to build the database URL from, when DATABASE_URL is unset. */
  databaseSecretArn: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  dbPoolMax: number;
  seedOnEmpty: boolean;
  authCacheSeconds: number;
  rateLimit: RateLimitConfig;
  cloud: CloudConfig;
  /** How often the worker syncs each environment from the cloud; 0 turns scheduled syncs off. */
  syncIntervalSeconds: number;
  /** How often the worker looks for due operation steps. */
  reconcileIntervalMs: number;
  health: HealthConfig;
  webhooks: WebhookConfig;
  /**
   * Set when the process is an AWS Lambda function: the database is DATABASE_URL or
   * DATABASE_SECRET_ARN (never embedded) and migrations run only in the `migrate` handler.
   */
  lambda: { functionName: string } | undefined;
}

export interface WebhookConfig {
  /** How often the worker sends due webhook deliveries; 0 turns delivery off. */
  deliveryIntervalMs: number;
  /** The dashboard's base URL, for links in notifications. */
  dashboardBaseUrl: string;
}

/** Requests a minute per process; 0 turns a limit off. */
export interface RateLimitConfig {
  /** Per API key, for requests with a valid key. */
  perKeyPerMinute: number;
  /** Per client address, for requests without a valid key. */
  perAddressPerMinute: number;
}

export interface HealthConfig {
  /** How often the worker runs a health sweep; 0 turns scheduled sweeps off. */
  sweepIntervalSeconds: number;
  retentionDays: number;
  memory: { warningPercent: number; criticalPercent: number; clearPercent: number };
  targetMemoryPercent: number;
  /** Where a replicate-backups recommendation sends each region's backups, and the KMS key per destination. */
  backupReplication: { partnerRegions: Record<string, string>; kmsKeyIds: Record<string, string> };
}

export interface CloudConfig {
  provider: "sim" | "aws";
  region: string;
  /** An AWS-compatible endpoint (e.g. moto on loopback); unset means AWS itself. */
  endpoint: string | undefined;
  maxAttempts: number;
  /** Simulated seconds per real second. */
  simTimeScale: number;
  /** UTC time of day ("16:30") a new simulation starts at, or "now". */
  simStart: string;
  simPipelineFailureRate: number;
}

interface RawConfig {
  DATABASE_URL?: string;
  DATABASE_SECRET_ARN?: string;
  DATA_DIR: string;
  PORT: number;
  HOST: string;
  LOG_LEVEL: Config["logLevel"];
  DB_POOL_MAX?: number;
  SEED_ON_EMPTY: boolean;
  AUTH_CACHE_SECONDS: number;
  RATE_LIMIT_PER_KEY_PER_MINUTE: number;
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: number;
  CLOUD_PROVIDER: "sim" | "aws";
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string;
  AWS_MAX_ATTEMPTS: number;
  SIM_TIME_SCALE: number;
  SIM_START: string;
  SIM_PIPELINE_FAILURE_RATE: number;
  SYNC_INTERVAL_SECONDS: number;
  RECONCILE_INTERVAL_MS: number;
  SWEEP_INTERVAL_SECONDS: number;
  METRIC_RETENTION_DAYS: number;
  MEMORY_WARNING_PERCENT: number;
  MEMORY_CRITICAL_PERCENT: number;
  MEMORY_CLEAR_PERCENT: number;
  TARGET_MEMORY_PERCENT: number;
  BACKUP_REPLICATION_REGIONS?: string;
  BACKUP_REPLICATION_KMS_KEYS?: string;
  WEBHOOK_DELIVERY_INTERVAL_MS: number;
  DASHBOARD_BASE_URL?: string;
  AWS_LAMBDA_FUNCTION_NAME?: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw: RawConfig;
  try {
    // Only `env` is read: no .env file, and nothing else from process.env when `env` is given.
    raw = validateEnv(schema, env) as unknown as RawConfig;
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`, { cause: error });
  }
  const databaseUrl = raw.DATABASE_URL || undefined;
  const databaseSecretArn = raw.DATABASE_SECRET_ARN || undefined;
  const lambda = raw.AWS_LAMBDA_FUNCTION_NAME ? { functionName: raw.AWS_LAMBDA_FUNCTION_NAME } : undefined;
  if (databaseUrl && databaseSecretArn) {
    throw new ConfigError("invalid configuration: set DATABASE_URL or DATABASE_SECRET_ARN, not both");
  }
  if (lambda && !databaseUrl && !databaseSecretArn) {
    throw new ConfigError(
      "invalid configuration: on AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is set) DATABASE_URL or DATABASE_SECRET_ARN is required; no embedded PostgreSQL is started there",
    );
  }
  return {
    databaseUrl,
    databaseSecretArn,
    dataDir: raw.DATA_DIR,
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    dbPoolMax: raw.DB_POOL_MAX ?? (lambda ? DEFAULT_POOL_MAX.lambda : DEFAULT_POOL_MAX.process),
    seedOnEmpty: raw.SEED_ON_EMPTY,
    authCacheSeconds: raw.AUTH_CACHE_SECONDS,
    rateLimit: {
      perKeyPerMinute: raw.RATE_LIMIT_PER_KEY_PER_MINUTE,
      perAddressPerMinute: raw.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    },
    cloud: {
      provider: raw.CLOUD_PROVIDER,
      region: raw.AWS_REGION,
      endpoint: raw.AWS_ENDPOINT_URL || undefined,
      maxAttempts: raw.AWS_MAX_ATTEMPTS,
      simTimeScale: raw.SIM_TIME_SCALE,
      simStart: raw.SIM_START,
      simPipelineFailureRate: raw.SIM_PIPELINE_FAILURE_RATE,
    },
    syncIntervalSeconds: raw.SYNC_INTERVAL_SECONDS,
    reconcileIntervalMs: raw.RECONCILE_INTERVAL_MS,
    health: healthConfig(raw),
    webhooks: {
      deliveryIntervalMs: raw.WEBHOOK_DELIVERY_INTERVAL_MS,
      dashboardBaseUrl: (raw.DASHBOARD_BASE_URL || `http://${raw.HOST}:${raw.PORT}`).replace(/\/+$/, ""),
    },
    lambda,
  };
}

function healthConfig(raw: RawConfig): HealthConfig {
  const memory = {
    warningPercent: raw.MEMORY_WARNING_PERCENT,
    criticalPercent: raw.MEMORY_CRITICAL_PERCENT,
    clearPercent: raw.MEMORY_CLEAR_PERCENT,
  };
  if (!(memory.clearPercent < memory.warningPercent && memory.warningPercent <= memory.criticalPercent)) {
    throw new ConfigError(
      `invalid configuration: MEMORY_CLEAR_PERCENT (${memory.clearPercent}) < MEMORY_WARNING_PERCENT (${memory.warningPercent}) ≤ MEMORY_CRITICAL_PERCENT (${memory.criticalPercent}) must hold`,
    );
  }
  return {
    sweepIntervalSeconds: raw.SWEEP_INTERVAL_SECONDS,
    retentionDays: raw.METRIC_RETENTION_DAYS,
    memory,
    targetMemoryPercent: raw.TARGET_MEMORY_PERCENT,
    backupReplication: backupReplicationConfig(raw),
  };
}

/** `a=b,c=d` as a map; the schema's pattern has checked the shape. */
const pairsOf = (value: string | undefined): Record<string, string> =>
  Object.fromEntries((value ? value.split(",") : []).map((pair) => pair.split("=", 2) as [string, string]));

function backupReplicationConfig(raw: RawConfig): HealthConfig["backupReplication"] {
  const partnerRegions = pairsOf(raw.BACKUP_REPLICATION_REGIONS);
  const kmsKeyIds = pairsOf(raw.BACKUP_REPLICATION_KMS_KEYS);
  for (const [region, destination] of Object.entries(partnerRegions)) {
    if (region === destination) {
      throw new ConfigError(`invalid configuration: BACKUP_REPLICATION_REGIONS sends ${region} to itself`);
    }
  }
  for (const [region, key] of Object.entries(kmsKeyIds)) {
    // A KMS key exists in one region only: RDS cannot encrypt backups in `region` with another region's key.
    if (key.split(":")[3] !== region) {
      throw new ConfigError(
        `invalid configuration: BACKUP_REPLICATION_KMS_KEYS gives ${region} a key of another region (${key})`,
      );
    }
  }
  return { partnerRegions, kmsKeyIds };
}

/** Documented variables, for the README table and `--help` output. */
export const CONFIG_VARIABLES = Object.entries(schema.properties).map(([name, spec]) => ({
  name,
  default:
    name === "DB_POOL_MAX"
      ? `${DEFAULT_POOL_MAX.process} (${DEFAULT_POOL_MAX.lambda} on AWS Lambda)`
      : "default" in spec
        ? String(spec.default)
        : "",
}));
