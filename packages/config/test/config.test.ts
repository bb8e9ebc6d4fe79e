import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("has defaults that run locally with no configuration", () => {
    const config = loadConfig({});
    assert.deepEqual(config, {
      databaseUrl: undefined,
      databaseSecretArn: undefined,
      dataDir: ".data",
      port: 3000,
      host: "127.0.0.1",
      logLevel: "info",
      dbPoolMax: 10,
      seedOnEmpty: true,
      authCacheSeconds: 10,
      rateLimit: { perKeyPerMinute: 600, perAddressPerMinute: 120 },
      cloud: {
        provider: "sim",
        region: "us-east-1",
        endpoint: undefined,
        maxAttempts: 5,
        simTimeScale: 10,
        simStart: "16:30",
        simPipelineFailureRate: 0.1,
      },
      syncIntervalSeconds: 300,
      reconcileIntervalMs: 1000,
      health: {
        sweepIntervalSeconds: 60,
        retentionDays: 14,
        memory: { warningPercent: 85, criticalPercent: 95, clearPercent: 75 },
        targetMemoryPercent: 65,
        backupReplication: { partnerRegions: {}, kmsKeyIds: {} },
      },
      webhooks: { deliveryIntervalMs: 500, dashboardBaseUrl: "http://127.0.0.1:3000" },
      lambda: undefined,
    });
  });

  it("links notifications to DASHBOARD_BASE_URL, or to the API's own address, and refuses a bad one", () => {
    assert.equal(loadConfig({ PORT: "8080" }).webhooks.dashboardBaseUrl, "http://127.0.0.1:8080");
    const set = loadConfig({ DASHBOARD_BASE_URL: "https://ops.fastier.example/", WEBHOOK_DELIVERY_INTERVAL_MS: "0" });
    assert.deepEqual(set.webhooks, { deliveryIntervalMs: 0, dashboardBaseUrl: "https://ops.fastier.example" });
    assert.throws(() => loadConfig({ DASHBOARD_BASE_URL: "ops.fastier.example" }), /DASHBOARD_BASE_URL/);
    assert.throws(() => loadConfig({ WEBHOOK_DELIVERY_INTERVAL_MS: "-1" }), /WEBHOOK_DELIVERY_INTERVAL_MS/);
  });

  it("reads and converts the variables", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://u:p@db:5432/fastier",
      PORT: "8080",
      HOST: "0.0.0.0",
      SEED_ON_EMPTY: "false",
      DATA_DIR: "/var/lib/fastier",
    });
    assert.equal(config.databaseUrl, "postgresql://u:p@db:5432/fastier");
    assert.equal(config.port, 8080);
    assert.equal(config.seedOnEmpty, false);
    assert.equal(config.dataDir, "/var/lib/fastier");
    const aws = loadConfig({
      CLOUD_PROVIDER: "aws",
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
    });
    assert.deepEqual(
      [aws.cloud.provider, aws.cloud.region, aws.cloud.endpoint],
      ["aws", "eu-west-1", "http://127.0.0.1:5000"],
    );
  });

  it("stops with a message naming the bad variable", () => {
    assert.throws(
      () => loadConfig({ PORT: "eighty" }),
      (error: Error) => error instanceof ConfigError && /PORT/.test(error.message),
    );
    assert.throws(() => loadConfig({ PORT: "70000" }), /PORT/);
    assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x" }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
    assert.throws(() => loadConfig({ SIM_START: "25:00" }), /SIM_START/);
    assert.throws(
      () => loadConfig({ MEMORY_CLEAR_PERCENT: "90" }),
      (error: Error) => error instanceof ConfigError && /MEMORY_CLEAR_PERCENT \(90\)/.test(error.message),
    );
    assert.throws(() => loadConfig({ CLOUD_PROVIDER: "gcp" }), /CLOUD_PROVIDER/);
    assert.throws(() => loadConfig({ SIM_TIME_SCALE: "0" }), /SIM_TIME_SCALE/);
    assert.throws(() => loadConfig({ AWS_REGION: "mars" }), /AWS_REGION/);
    assert.throws(() => loadConfig({ DATABASE_SECRET_ARN: "fastier-db" }), /DATABASE_SECRET_ARN/);
    assert.throws(() => loadConfig({ DB_POOL_MAX: "0" }), /DB_POOL_MAX/);
    assert.throws(() => loadConfig({ PORT: "Infinity" }), /env\/PORT must be integer/);
    assert.throws(() => loadConfig({ SIM_TIME_SCALE: "Infinity" }), /env\/SIM_TIME_SCALE must be <= 100000/);
    assert.throws(() => loadConfig({ SEED_ON_EMPTY: "yes" }), /env\/SEED_ON_EMPTY must be boolean/);
  });

  it("names each bad variable and the rule it breaks, in one message", () => {
    assert.throws(() => loadConfig({ PORT: "70000", LOG_LEVEL: "loud", DATA_DIR: "", DATABASE_URL: "mysql://x" }), {
      name: "ConfigError",
      message:
        'invalid configuration: env/DATABASE_URL must match pattern "^postgres(ql)?://", ' +
        "env/DATA_DIR must NOT have fewer than 1 characters, env/PORT must be <= 65535, " +
        "env/LOG_LEVEL must be equal to one of the allowed values",
    });
  });

  it("converts numbers as JavaScript reads them and refuses empty ones", () => {
    const config = loadConfig({ PORT: " 8080", SIM_TIME_SCALE: "1e3", SEED_ON_EMPTY: "false" });
    assert.deepEqual([config.port, config.cloud.simTimeScale, config.seedOnEmpty], [8080, 1000, false]);
    assert.throws(() => loadConfig({ PORT: "" }), /env\/PORT must be integer/);
    assert.throws(() => loadConfig({ RATE_LIMIT_PER_KEY_PER_MINUTE: "1.5" }), /must be integer/);
  });

  describe("on AWS Lambda", () => {
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fastier-db-AbCdEf";

    it("is detected from AWS_LAMBDA_FUNCTION_NAME and defaults the pool to 2 connections", () => {
      const config = loadConfig({ AWS_LAMBDA_FUNCTION_NAME: "fastier-api", DATABASE_SECRET_ARN: secretArn });
      assert.deepEqual(config.lambda, { functionName: "fastier-api" });
      assert.equal(config.databaseSecretArn, secretArn);
      assert.equal(config.databaseUrl, undefined);
      assert.equal(config.dbPoolMax, 2);
    });

    it("lets DB_POOL_MAX override the pool size there too", () => {
      const config = loadConfig({
        AWS_LAMBDA_FUNCTION_NAME: "fastier-api",
        DATABASE_URL: "postgresql://u:p@db:5432/fastier",
        DB_POOL_MAX: "4",
      });
      assert.equal(config.dbPoolMax, 4);
      assert.equal(loadConfig({ DB_POOL_MAX: "4" }).dbPoolMax, 4);
    });

    it("refuses to start without a database, since no embedded PostgreSQL runs there", () => {
      assert.throws(
        () => loadConfig({ AWS_LAMBDA_FUNCTION_NAME: "fastier-worker" }),
        (error: Error) => error instanceof ConfigError && /DATABASE_URL or DATABASE_SECRET_ARN/.test(error.message),
      );
    });

    it("takes the secret outside Lambda too, but not together with DATABASE_URL", () => {
      assert.equal(loadConfig({ DATABASE_SECRET_ARN: secretArn }).databaseSecretArn, secretArn);
      assert.equal(loadConfig({ DATABASE_SECRET_ARN: secretArn }).lambda, undefined);
      assert.throws(
        () => loadConfig({ DATABASE_SECRET_ARN: secretArn, DATABASE_URL: "postgresql://u:p@db:5432/fastier" }),
        /DATABASE_URL or DATABASE_SECRET_ARN, not both/,
      );
    });
  });

  it("reads the rate limits, where 0 turns a limit off, and refuses negative or fractional ones", () => {
    const config = loadConfig({ RATE_LIMIT_PER_KEY_PER_MINUTE: "6000", RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "0" });
    assert.deepEqual(config.rateLimit, { perKeyPerMinute: 6000, perAddressPerMinute: 0 });
    assert.throws(() => loadConfig({ RATE_LIMIT_PER_KEY_PER_MINUTE: "-1" }), /RATE_LIMIT_PER_KEY_PER_MINUTE/);
    assert.throws(() => loadConfig({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "1.5" }), /RATE_LIMIT_PER_ADDRESS_PER_MINUTE/);
    assert.throws(() => loadConfig({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "lots" }), /RATE_LIMIT_PER_ADDRESS_PER_MINUTE/);
  });

  it("reads where recommendations replicate backups to, and refuses a region sent to itself or another region's key", () => {
    const key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const config = loadConfig({
      BACKUP_REPLICATION_REGIONS: "us-east-1=us-east-2,eu-west-1=eu-north-1",
      BACKUP_REPLICATION_KMS_KEYS: `us-west-2=${key}`,
    });
    assert.deepEqual(config.health.backupReplication, {
      partnerRegions: { "us-east-1": "us-east-2", "eu-west-1": "eu-north-1" },
      kmsKeyIds: { "us-west-2": key },
    });
    assert.throws(() => loadConfig({ BACKUP_REPLICATION_REGIONS: "us-east-1" }), /BACKUP_REPLICATION_REGIONS/);
    assert.throws(() => loadConfig({ BACKUP_REPLICATION_REGIONS: "us-east-1=us-east-1" }), /sends us-east-1 to itself/);
    assert.throws(
      () => loadConfig({ BACKUP_REPLICATION_KMS_KEYS: "us-west-2=alias/aws/rds" }),
      /BACKUP_REPLICATION_KMS_KEYS/,
    );
    assert.throws(
      () => loadConfig({ BACKUP_REPLICATION_KMS_KEYS: `eu-west-1=${key}` }),
      (error: Error) => error instanceof ConfigError && /gives eu-west-1 a key of another region/.test(error.message),
    );
  });

  it("lists every variable it reads, with its default", () => {
    const byName = new Map(CONFIG_VARIABLES.map((variable) => [variable.name, variable.default]));
    assert.equal(byName.get("PORT"), "3000");
    assert.equal(byName.get("DB_POOL_MAX"), "10 (2 on AWS Lambda)");
    assert.equal(byName.get("DATABASE_SECRET_ARN"), "");
    assert.ok(byName.has("AWS_LAMBDA_FUNCTION_NAME"));
    assert.equal(byName.get("RATE_LIMIT_PER_KEY_PER_MINUTE"), "600");
    assert.equal(byName.get("RATE_LIMIT_PER_ADDRESS_PER_MINUTE"), "120");
  });
});
