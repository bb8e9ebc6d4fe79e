import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("has defaults that run locally with no configuration", () => {
    const config = loadConfig({});
    assert.deepEqual(config, {
      databaseUrl: undefined,
      dataDir: ".data",
      port: 3000,
      host: "127.0.0.1",
      logLevel: "info",
      dbPoolMax: 10,
      seedOnEmpty: true,
      authCacheSeconds: 10,
    });
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
  });

  it("stops with a message naming the bad variable", () => {
    assert.throws(
      () => loadConfig({ PORT: "eighty" }),
      (error: Error) => error instanceof ConfigError && /PORT/.test(error.message),
    );
    assert.throws(() => loadConfig({ PORT: "70000" }), /PORT/);
    assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x" }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
  });
});
