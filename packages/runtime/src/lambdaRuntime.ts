import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Config } from "@fastier/config";
import { type DatabaseHandle, openDatabaseHandle } from "@fastier/db";
import type { Logger } from "pino";
import { type RuntimeOver, withCloud } from "./cloudOverDatabase.ts";

/**
 * What a Lambda handler works with. Unlike `openRuntime`, nothing is started
 * and nothing is migrated: the database is DATABASE_URL or the secret's, and
 * the schema is brought up to date by the `migrate` handler alone.
 */
export type LambdaRuntime = RuntimeOver<DatabaseHandle>;

export type DatabaseConfig = Pick<Config, "databaseUrl" | "databaseSecretArn"> & {
  cloud: Pick<Config["cloud"], "region" | "endpoint" | "maxAttempts">;
};

export interface SecretsOptions {
  /** Injected in tests; otherwise a client for the configured region. */
  secretsClient?: Pick<SecretsManagerClient, "send">;
}

/** RDS's secret format (what `DatabaseSecret` / a secret attached to an instance holds). */
interface RdsSecret {
  username?: unknown;
  password?: unknown;
  host?: unknown;
  port?: unknown;
  dbname?: unknown;
}

export class DatabaseSecretError extends Error {
  override name = "DatabaseSecretError";
}

/**
 * `postgresql://` URL from an RDS secret. The user name and password are
 * URL-encoded (generated passwords hold `/`, `@`, `:` ...). TLS is verified
 * (`verify-full`): RDS refuses unencrypted connections by default, and on Lambda
 * NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem supplies the RDS certificate authorities.
 */
export function databaseUrlFromSecret(secretString: string, options: { sslmode?: string } = {}): string {
  let secret: RdsSecret;
  try {
    secret = JSON.parse(secretString) as RdsSecret;
  } catch (error) {
    throw new DatabaseSecretError("the database secret is not JSON in RDS's format", { cause: error });
  }
  const text = (field: keyof RdsSecret, fallback?: string): string => {
    const value = secret[field] ?? fallback;
    if ((typeof value !== "string" && typeof value !== "number") || String(value) === "") {
      throw new DatabaseSecretError(`the database secret has no "${field}"`);
    }
    return String(value);
  };
  const url = new URL("postgresql://placeholder");
  url.username = encodeURIComponent(text("username"));
  url.password = encodeURIComponent(text("password"));
  url.hostname = text("host");
  url.port = text("port", "5432");
  url.pathname = `/${encodeURIComponent(text("dbname", "postgres"))}`;
  url.searchParams.set("sslmode", options.sslmode ?? "verify-full");
  return url.toString();
}

/** DATABASE_URL, or the URL built from DATABASE_SECRET_ARN's secret (one Secrets Manager call). */
export async function resolveDatabaseUrl(config: DatabaseConfig, options: SecretsOptions = {}): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  const secretId = config.databaseSecretArn;
  if (!secretId) throw new DatabaseSecretError("neither DATABASE_URL nor DATABASE_SECRET_ARN is set");
  // Loaded only when a secret is configured: a DATABASE_URL start does not pay for the SDK client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  const client =
    options.secretsClient ??
    new SecretsManagerClient({
      region: config.cloud.region,
      maxAttempts: config.cloud.maxAttempts,
      ...(config.cloud.endpoint && { endpoint: config.cloud.endpoint }),
    });
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw new DatabaseSecretError(`could not read the database secret ${secretId}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!secretString) throw new DatabaseSecretError(`the database secret ${secretId} has no SecretString`);
  return databaseUrlFromSecret(secretString);
}

/** Opens the pool (DB_POOL_MAX, 2 by default on Lambda) and the configured cloud; migrates nothing. */
export async function openLambdaRuntime(
  config: Config,
  log: Logger,
  options: SecretsOptions & { databaseUrl?: string } = {},
): Promise<LambdaRuntime> {
  const url = options.databaseUrl ?? (await resolveDatabaseUrl(config, options));
  const runtime = await withCloud(config, openDatabaseHandle({ url, poolMax: config.dbPoolMax }));
  log.debug(
    { database: config.databaseUrl ? "DATABASE_URL" : "DATABASE_SECRET_ARN", poolMax: config.dbPoolMax },
    "lambda runtime opened",
  );
  return runtime;
}

/**
 * A promise made on first use and shared by every later call: the container's
 * pool, app or secret, opened once and reused across invocations. A failure is
 * not kept, so the next invocation tries again (a database that was briefly
 * unreachable at a cold start does not poison the container).
 */
export function lazily<T>(open: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= open().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
