import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { loadConfig } from "@fastier/config";
import pg from "pg";
import {
  DatabaseSecretError,
  databaseUrlFromSecret,
  lazily,
  resolveDatabaseUrl,
  type SecretsOptions,
} from "../src/lambdaRuntime.ts";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fastier-db-AbCdEf";
const RDS_SECRET = {
  engine: "postgres",
  host: "fastier.cluster-abc.eu-west-1.rds.amazonaws.com",
  port: 5432,
  username: "fastier",
  // What Secrets Manager generates: URL delimiters included.
  password: "p@ss:w/rd%?#&=+ é",
  dbname: "fastier",
  dbClusterIdentifier: "fastier",
};

/** How pg itself reads the URL (what the pool will connect with). */
function parsedByPg(url: string) {
  const client = new pg.Client({ connectionString: url });
  const { user, password, host, port, database, ssl } = client as unknown as Record<string, unknown>;
  return { user, password, host, port, database, ssl };
}

describe("the database from an RDS secret", () => {
  it("builds a URL pg reads back exactly, password included, with verified TLS", () => {
    const url = databaseUrlFromSecret(JSON.stringify(RDS_SECRET));
    const parsed = parsedByPg(url);
    assert.deepEqual(
      { ...parsed, ssl: Boolean(parsed.ssl) },
      {
        user: "fastier",
        password: RDS_SECRET.password,
        host: RDS_SECRET.host,
        port: 5432,
        database: "fastier",
        ssl: true,
      },
    );
    assert.match(url, /[?&]sslmode=verify-full$/);
  });

  it("defaults the port and database name as RDS does, and names a missing field", () => {
    const url = databaseUrlFromSecret(JSON.stringify({ host: "db", username: "u", password: "p" }));
    assert.deepEqual([parsedByPg(url).port, parsedByPg(url).database], [5432, "postgres"]);
    assert.throws(
      () => databaseUrlFromSecret(JSON.stringify({ host: "db", username: "u" })),
      (error: Error) => error instanceof DatabaseSecretError && /"password"/.test(error.message),
    );
    assert.throws(() => databaseUrlFromSecret("not json"), DatabaseSecretError);
  });

  it("reads DATABASE_SECRET_ARN with one GetSecretValue call", async () => {
    const sent: unknown[] = [];
    const secretsClient = {
      send: async (command: unknown) => {
        sent.push(command);
        return { SecretString: JSON.stringify(RDS_SECRET) };
      },
    } as unknown as SecretsOptions["secretsClient"];
    const config = loadConfig({ AWS_LAMBDA_FUNCTION_NAME: "fastier-api", DATABASE_SECRET_ARN: SECRET_ARN });
    const url = await resolveDatabaseUrl(config, { secretsClient });
    assert.equal(sent.length, 1);
    assert.ok(sent[0] instanceof GetSecretValueCommand);
    assert.deepEqual((sent[0] as GetSecretValueCommand).input, { SecretId: SECRET_ARN });
    assert.equal(parsedByPg(url).password, RDS_SECRET.password);
  });

  it("uses DATABASE_URL as it is, without asking Secrets Manager", async () => {
    const secretsClient = {
      send: async () => assert.fail("Secrets Manager must not be called"),
    } as unknown as SecretsOptions["secretsClient"];
    const config = loadConfig({ DATABASE_URL: "postgresql://u:p@db:5432/fastier" });
    assert.equal(await resolveDatabaseUrl(config, { secretsClient }), "postgresql://u:p@db:5432/fastier");
  });

  it("says which secret could not be read", async () => {
    const secretsClient = {
      send: async () => {
        throw new Error("AccessDeniedException: not authorized");
      },
    } as unknown as SecretsOptions["secretsClient"];
    const config = loadConfig({ DATABASE_SECRET_ARN: SECRET_ARN });
    await assert.rejects(
      resolveDatabaseUrl(config, { secretsClient }),
      (error: Error) =>
        error instanceof DatabaseSecretError &&
        error.message.includes(SECRET_ARN) &&
        /AccessDenied/.test(error.message),
    );
  });
});

describe("lazily", () => {
  it("opens once and shares the result, but tries again after a failure", async () => {
    let calls = 0;
    const open = lazily(async () => {
      calls += 1;
      if (calls === 1) throw new Error("database not reachable yet");
      return { opened: calls };
    });
    await assert.rejects(open(), /not reachable/);
    const [first, second] = await Promise.all([open(), open()]);
    assert.equal(first, second);
    assert.deepEqual(await open(), { opened: 2 });
    assert.equal(calls, 2);
  });
});
