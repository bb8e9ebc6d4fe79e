import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RDSClient } from "@aws-sdk/client-rds";
import { createAwsClients, createAwsCloud, DEFAULT_AWS_MAX_ATTEMPTS } from "../../src/aws/index.ts";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

describe("createAwsCloud", () => {
  it("is the aws provider for its region", () => {
    const cloud = createAwsCloud({ region: "eu-west-1", credentials });
    assert.equal(cloud.provider, "aws");
    assert.equal(cloud.region, "eu-west-1");
  });

  it("creates every client with standard retries, the region, endpoint and credentials", async (t) => {
    // The SDK would take these from the environment; the adapter's explicit settings must win.
    const saved = { mode: process.env.AWS_RETRY_MODE, attempts: process.env.AWS_MAX_ATTEMPTS };
    process.env.AWS_RETRY_MODE = "adaptive";
    process.env.AWS_MAX_ATTEMPTS = "9";
    t.after(() => {
      for (const [key, value] of [
        ["AWS_RETRY_MODE", saved.mode],
        ["AWS_MAX_ATTEMPTS", saved.attempts],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    const clients = createAwsClients({ region: "us-east-1", endpoint: "http://127.0.0.1:5000", credentials });
    const { rdsIn, ...homeClients } = clients;
    // A client for another region (replicated backups) has the same settings but its own region.
    const all = [
      ...Object.entries(homeClients).map(([name, client]) => ({ name, client, region: "us-east-1" })),
      { name: "rdsIn(us-west-2)", client: rdsIn("us-west-2"), region: "us-west-2" },
    ];
    for (const { name, client, region } of all) {
      assert.equal(await client.config.region(), region, `${name} region`);
      assert.equal(await client.config.maxAttempts(), DEFAULT_AWS_MAX_ATTEMPTS, `${name} maxAttempts`);
      const retryStrategy = (await client.config.retryStrategy()) as { mode?: string };
      assert.equal(retryStrategy.mode, "standard", `${name} retry mode`);
      const endpoint = await client.config.endpoint?.();
      assert.equal(endpoint?.hostname, "127.0.0.1", `${name} endpoint`);
      assert.equal(endpoint?.port, 5000, `${name} endpoint port`);
      assert.deepEqual(await client.config.credentials(), credentials, `${name} credentials`);
    }
    assert.equal(DEFAULT_AWS_MAX_ATTEMPTS, 5);
    // Emulators serve every bucket on one host name.
    assert.equal(clients.s3.config.forcePathStyle, true);
  });

  it("honours maxAttempts and keeps virtual-host S3 addressing for real AWS", async () => {
    const clients = createAwsClients({ region: "us-east-1", maxAttempts: 2, credentials });
    assert.equal(await clients.cloudWatch.config.maxAttempts(), 2);
    assert.equal(clients.s3.config.forcePathStyle, false);
  });

  it("uses an injected client as it is", () => {
    const rds = new RDSClient({ region: "us-east-1", credentials });
    const clients = createAwsClients({ region: "us-east-1", credentials, clients: { rds } });
    assert.equal(clients.rds, rds);
    assert.notEqual(clients.ec2, undefined);
  });
});
