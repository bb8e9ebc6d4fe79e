import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALB_NAMESPACE, type CloudPort, FASTIER_TARGET_GROUP_ARN, type MetricQuery } from "@fastier/core";
import { FAULTY_RELEASE } from "../../src/sim/index.ts";
import { MINUTE, openSimWorld, rejectsWith } from "./simTestWorld.ts";

const PIPELINE = "fastier-web-pipeline";

/** Sum of 5xx over requests, per minute, across [start, end). */
async function ratioPerMinute(cloud: CloudPort, dimension: string, start: Date, end: Date): Promise<number[]> {
  const query = (id: string, metricName: string): MetricQuery => ({
    id,
    namespace: ALB_NAMESPACE,
    metricName,
    dimensions: { LoadBalancer: dimension },
    period: 60,
    stat: "Sum",
  });
  const { series } = await cloud.metrics.getMetricData({
    queries: [query("requests", "RequestCount"), query("errors", "HTTPCode_Target_5XX_Count")],
    start,
    end,
  });
  const [requests, errors] = series;
  return (requests?.points ?? []).map((p, i) => (errors?.points[i]?.value ?? 0) / p.value);
}

describe("simulated load balancer: metrics from the load model, and faulty releases", () => {
  it("finds the balancer and target group behind the pipeline, with healthy targets", async () => {
    const { cloud } = await openSimWorld({ pipelineFailureRate: 0 });
    const balancer = await cloud.loadBalancers.findForPipeline(PIPELINE);
    assert.equal(balancer?.targetGroups[0]?.arn, FASTIER_TARGET_GROUP_ARN);
    assert.equal(balancer?.loadBalancerDimension, "app/awseb-fastier-prod-alb/50dc6c495c0c9188");
    assert.equal(balancer?.environmentName, "fastier-prod");
    const targets = await cloud.loadBalancers.describeTargetHealth(FASTIER_TARGET_GROUP_ARN);
    assert.deepEqual(
      targets.map((t) => t.state),
      ["healthy", "healthy"],
    );
    assert.equal(await cloud.loadBalancers.environmentHealth("fastier-prod"), "Green");
    await rejectsWith(
      cloud.loadBalancers.describeTargetHealth(`${FASTIER_TARGET_GROUP_ARN}0`),
      "not_found",
      "target groups not found",
    );
  });

  it("serves 5xx from a faulty- release once its deploy stage is live, and stops when it is rolled back", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    const dimension = (await cloud.loadBalancers.findForPipeline(PIPELINE))?.loadBalancerDimension ?? "";
    const [lastGood] = await cloud.pipelines.listExecutions(PIPELINE);
    const started = clock.now();
    await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "faulty", sourceRevision: "faulty-9z" });
    clock.advance(12 * MINUTE); // Source 1 + Build 4 + Deploy 5, and two minutes live
    const during = await ratioPerMinute(cloud, dimension, started, clock.now());
    assert.ok(
      during.slice(0, 5).every((r) => r < 0.005),
      `healthy before the deploy stage: ${during.slice(0, 5)}`,
    );
    assert.ok(
      during.slice(-2).every((r) => r > FAULTY_RELEASE.errorShare * 0.9),
      `faulty once live: ${during.slice(-2)}`,
    );

    await cloud.pipelines.rollbackStage(PIPELINE, "Deploy", lastGood?.executionId ?? "");
    const rolledBack = clock.now();
    clock.advance(3 * MINUTE);
    const after = await ratioPerMinute(cloud, dimension, rolledBack, clock.now());
    assert.ok(
      after.every((r) => r < 0.005),
      `back to the background once rolled back: ${after}`,
    );
  });
});
