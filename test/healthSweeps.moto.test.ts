// A health sweep through the AWS adapter against moto: memory datapoints put with
// PutMetricData are read back by the sweep's batched GetMetricData and open a finding.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AutoScalingClient, PutScalingPolicyCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { syncEnvironment } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore } from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import { createFastierInMoto, FASTIER } from "../packages/cloud/test/aws/fastierInMoto.ts";
import { motoConfig } from "../packages/cloud/test/aws/motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "../packages/cloud/test/aws/motoServer.ts";
import { awsCloudInMoto } from "./helpers/motoTestApp.ts";
import { storedSamples } from "./helpers/storedSamples.ts";
import { SYSTEM_AUDIT } from "./helpers/syncedApp.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/testDatabase.ts";

const PERIOD_MS = 300_000;
/** The group's 5-minute peaks, oldest first: three at or above 85%, none at 95%. */
const PEAKS = [72, 88, 91.5, 90];

describe("health sweeps against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let db: TestDatabase;
  let envId: string;
  // Fixed at the start so the sweep's window is the one the datapoints were put into.
  const now = new Date(Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + 60_000);

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    await createFastierInMoto(moto);
    db = await createTestDatabase();
    const cloud = awsCloudInMoto(moto);
    const inventory = createInventoryStore(db);
    envId = (await inventory.createEnvironment({ name: "production", region: "us-east-1" }, SYSTEM_AUDIT)).id;
    const windowEnd = Math.floor(now.getTime() / PERIOD_MS) * PERIOD_MS;
    // Two readings per period, the peak and a lower one, so Maximum and Average differ.
    const data = PEAKS.flatMap((peak, i) => {
      const periodStart = windowEnd - (PEAKS.length - i) * PERIOD_MS;
      return [peak, peak - 6].map((value, k) => ({
        MetricName: "mem_used_percent",
        Dimensions: [{ Name: "AutoScalingGroupName", Value: FASTIER.group }],
        Timestamp: new Date(periodStart + (k + 1) * 60_000),
        Value: value,
        Unit: "Percent" as const,
      }));
    });
    await new CloudWatchClient(motoConfig(moto)).send(
      new PutMetricDataCommand({ Namespace: "CWAgent", MetricData: data }),
    );
    await syncEnvironment(
      { cloud, inventory, syncs: createPrismaSyncStore(db), now: () => now },
      envId,
      "api",
      SYSTEM_AUDIT,
    );
  });
  after(async () => {
    await db?.drop();
    await moto?.stop();
  });

  it("finds the datapoints put with PutMetricData and opens a memory-pressure finding with a scale-out", async () => {
    const run = await createSweepRunner({ database: db, cloud: awsCloudInMoto(moto), now: () => now }).sweepOnce("cli");
    assert.ok(run);
    assert.equal(run.status, "succeeded", JSON.stringify(run.errors));
    assert.equal(run.cloudCalls, Math.ceil(run.metricQueries / 500));

    const group = await db.prisma.resource.findFirstOrThrow({ where: { cloudId: FASTIER.group } });
    const samples = await storedSamples(db, { resourceId: group.id, metric: "mem_used_percent", stat: "Maximum" });
    assert.deepEqual(
      samples.map((s) => s.value),
      PEAKS,
    );
    const averages = await storedSamples(db, { resourceId: group.id, metric: "mem_used_percent", stat: "Average" });
    assert.deepEqual(
      averages.map((s) => s.value),
      PEAKS.map((peak) => peak - 3),
    );

    const findings = await db.prisma.finding.findMany({ where: { resourceId: group.id, status: "OPEN" } });
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity]),
      [["memory_pressure", "WARNING"]],
    );
    const evidence = (findings[0]?.evidence ?? []) as { metric: string; value: number }[];
    assert.deepEqual(
      evidence.filter((p) => p.metric === "mem_used_percent").map((p) => p.value),
      [88, 91.5, 90],
    );
    const scaleOut = await db.prisma.recommendation.findFirst({
      where: { findingId: findings[0]?.id, kind: "scale_out" },
    });
    assert.deepEqual(scaleOut?.proposal, { desiredCapacity: Math.ceil((2 * 91.5) / 65) });
    assert.ok(
      await db.prisma.recommendation.findFirst({ where: { kind: "add_memory_target_tracking" } }),
      "moto has no scaling policy on memory for the group",
    );
  });

  it("reads a target-tracking policy on memory from Auto Scaling and stops recommending one", async () => {
    await new AutoScalingClient(motoConfig(moto)).send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: FASTIER.group,
        PolicyName: "memory-at-65",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingConfiguration: {
          TargetValue: 65,
          CustomizedMetricSpecification: {
            Namespace: "CWAgent",
            MetricName: "mem_used_percent",
            Dimensions: [{ Name: "AutoScalingGroupName", Value: FASTIER.group }],
            Statistic: "Average",
          },
        },
      }),
    );
    const cloud = awsCloudInMoto(moto);
    await syncEnvironment(
      { cloud, inventory: createInventoryStore(db), syncs: createPrismaSyncStore(db), now: () => now },
      envId,
      "api",
      SYSTEM_AUDIT,
    );
    const group = await db.prisma.resource.findFirstOrThrow({ where: { cloudId: FASTIER.group } });
    assert.equal((group.attributes as Record<string, unknown>).memoryTargetTracking, true);
    const run = await createSweepRunner({ database: db, cloud, now: () => now }).sweepOnce("cli");
    assert.equal(run?.recommendationsClosed, 1);
    const policy = await db.prisma.recommendation.findFirstOrThrow({ where: { kind: "add_memory_target_tracking" } });
    assert.equal(policy.status, "SUPERSEDED");
    assert.equal(policy.closeReason, "no_longer_recommended");
  });
});
