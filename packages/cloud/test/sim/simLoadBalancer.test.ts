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

  it("after a faulty release is fully out, half the targets fail their checks and Beanstalk turns Red", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "faulty", sourceRevision: "faulty-3c" });
    clock.advance(12 * MINUTE);
    const targets = await cloud.loadBalancers.describeTargetHealth(FASTIER_TARGET_GROUP_ARN);
    assert.deepEqual(
      targets.map((t) => [t.state, t.reason]),
      [
        ["unhealthy", "Target.ResponseCodeMismatch"],
        ["healthy", null],
      ],
    );
    assert.equal(await cloud.loadBalancers.environmentHealth("fastier-prod"), "Red");
    const dimension = (await cloud.loadBalancers.findForPipeline(PIPELINE))?.loadBalancerDimension ?? "";
    const { series } = await cloud.metrics.getMetricData({
      queries: [
        {
          id: "unhealthy",
          namespace: ALB_NAMESPACE,
          metricName: "UnHealthyHostCount",
          dimensions: { LoadBalancer: dimension, TargetGroup: FASTIER_TARGET_GROUP_ARN.split(":").at(-1) ?? "" },
          period: 60,
          stat: "Maximum",
        },
      ],
      start: new Date(clock.now().getTime() - 2 * MINUTE),
      end: clock.now(),
    });
    assert.equal(series[0]?.points.at(-1)?.value, 1);
  });

  it("gives a cloned environment a balancer of its own: warm-up load until it takes the live CNAME, then the users'", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    const blue = await cloud.beanstalk.findEnvironmentByName("fastier-prod");
    await cloud.beanstalk.createConfigurationTemplate({
      applicationName: "fastier-web",
      templateName: "t1",
      environmentId: blue?.environmentId ?? "",
      description: "test",
    });
    const green = await cloud.beanstalk.createEnvironment({
      applicationName: "fastier-web",
      environmentName: "fastier-prod-b",
      templateName: "t1",
      versionLabel: "fastier-web-v42",
      cnamePrefix: "fastier-prod-b",
    });
    const greenBalancer = await cloud.loadBalancers.findForEnvironment("fastier-prod-b");
    const blueBalancer = await cloud.loadBalancers.findForEnvironment("fastier-prod");
    assert.match(greenBalancer?.loadBalancerDimension ?? "", /^app\/awseb-fastier-prod-b-alb\/[0-9a-f]{16}$/);
    assert.notEqual(greenBalancer?.loadBalancerArn, blueBalancer?.loadBalancerArn);
    const greenGroup = greenBalancer?.targetGroups[0]?.arn ?? "";
    assert.deepEqual(
      (await cloud.loadBalancers.describeTargetHealth(greenGroup)).map((t) => t.state),
      ["initial", "initial"],
    );
    clock.advance(10 * MINUTE);
    assert.deepEqual(
      (await cloud.loadBalancers.describeTargetHealth(greenGroup)).map((t) => t.state),
      ["healthy", "healthy"],
    );
    const requests = async (dimension: string, minutes: number) => {
      const { series } = await cloud.metrics.getMetricData({
        queries: [
          {
            id: "requests",
            namespace: ALB_NAMESPACE,
            metricName: "RequestCount",
            dimensions: { LoadBalancer: dimension },
            period: 60,
            stat: "Sum",
          },
        ],
        start: new Date(clock.now().getTime() - minutes * MINUTE),
        end: clock.now(),
      });
      return series[0]?.points.map((p) => p.value) ?? [];
    };
    assert.deepEqual(await requests(greenBalancer?.loadBalancerDimension ?? "", 2), [120, 120], "warm-up only");
    assert.ok((await requests(blueBalancer?.loadBalancerDimension ?? "", 2)).every((r) => r > 500));
    await cloud.beanstalk.swapEnvironmentCnames(blue?.environmentId ?? "", green.environmentId);
    clock.advance(2 * MINUTE);
    assert.ok(
      (await requests(greenBalancer?.loadBalancerDimension ?? "", 2)).every((r) => r > 500),
      "the users follow the CNAME",
    );
    assert.deepEqual(await requests(blueBalancer?.loadBalancerDimension ?? "", 2), [120, 120]);
    assert.equal(await cloud.loadBalancers.environmentHealth("fastier-prod-b"), "Green");
  });

  it("rolls an environment's version forward and back with UpdateEnvironment, Updating meanwhile", async () => {
    const { cloud, clock } = await openSimWorld({ pipelineFailureRate: 0 });
    assert.deepEqual(
      (await cloud.beanstalk.describeVersionHistory("e-fastierprod")).map((v) => v.versionLabel),
      ["fastier-web-v41", "fastier-web-v40"],
    );
    await cloud.beanstalk.updateEnvironmentVersion("e-fastierprod", "faulty-fastier-web-v44");
    assert.equal((await cloud.beanstalk.findEnvironmentByName("fastier-prod"))?.status, "Updating");
    await rejectsWith(
      cloud.beanstalk.updateEnvironmentVersion("e-fastierprod", "fastier-web-v41"),
      "invalid_state",
      "Must be Ready",
    );
    clock.advance(5 * MINUTE);
    const faulty = await cloud.beanstalk.findEnvironmentByName("fastier-prod");
    assert.deepEqual(
      [faulty?.status, faulty?.health, faulty?.versionLabel],
      ["Ready", "Red", "faulty-fastier-web-v44"],
    );
    await rejectsWith(
      cloud.beanstalk.updateEnvironmentVersion("e-fastierprod", "fastier-web-v99"),
      "invalid_request",
      "No Application Version",
    );
    await cloud.beanstalk.updateEnvironmentVersion("e-fastierprod", "fastier-web-v41");
    clock.advance(5 * MINUTE);
    const back = await cloud.beanstalk.findEnvironmentByName("fastier-prod");
    assert.deepEqual([back?.status, back?.health, back?.versionLabel], ["Ready", "Green", "fastier-web-v41"]);
    assert.deepEqual(
      (await cloud.beanstalk.describeVersionHistory("e-fastierprod")).map((v) => v.versionLabel),
      ["fastier-web-v41", "faulty-fastier-web-v44", "fastier-web-v41", "fastier-web-v40"],
    );
  });
});
