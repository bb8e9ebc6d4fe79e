import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { type CloudPort, DomainError, gateBalancerOf, readGateSignals, type StepOutcome } from "../src/index.ts";
import { rollbackEnvironment } from "../src/operations/kinds/rollbackEnvironment.ts";
import { startDeployment } from "../src/operations/kinds/startDeployment.ts";
import { BLUE, environmentTarget, GREEN, LIVE_CNAME, recordingBlueGreenCalls } from "./helpers/blueGreenTargets.ts";
import { PIPELINE_NAME, pipelineTarget } from "./helpers/pipelineTargets.ts";
import { resumeOperation } from "./helpers/rdsTargets.ts";
import { simulatorWorlds } from "./helpers/simWorlds.ts";

describe("rolling a Beanstalk environment back in one call (simulator)", () => {
  const { clock, freshCloud } = simulatorWorlds("env-rollback", { pipelineFailureRate: 0 });
  const target = environmentTarget();
  const environment = (cloud: CloudPort, name: string) => cloud.beanstalk.findEnvironmentByName(name);

  /** A blue/green swap as a deploy leaves it during its drain: green live, blue still Ready. */
  async function swappedToGreen(cloud: CloudPort) {
    const blue = await environment(cloud, BLUE);
    await cloud.beanstalk.createConfigurationTemplate({
      applicationName: "fastier-web",
      templateName: "drain",
      environmentId: blue?.environmentId ?? "",
      description: "test",
    });
    const green = await cloud.beanstalk.createEnvironment({
      applicationName: "fastier-web",
      environmentName: GREEN,
      templateName: "drain",
      versionLabel: "fastier-web-v42",
      cnamePrefix: GREEN,
    });
    clock.advance(9 * 60_000);
    await cloud.beanstalk.swapEnvironmentCnames(blue?.environmentId ?? "", green.environmentId);
    return { blue, green };
  }

  it("deploys the previous application version, named in the plan, and follows it to Ready", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const run = await driveOperation(rollbackEnvironment, target, {}, cloud, clock);
    assert.match(run.plan.summary, /previous application version fastier-web-v40 again \(it runs fastier-web-v41\)/);
    assert.deepEqual(run.plan.changes, [{ field: "versionLabel", from: "fastier-web-v41", to: "fastier-web-v40" }]);
    assert.equal(run.final.type, "succeeded", JSON.stringify(run.final));
    assert.deepEqual(calls.updateEnvironmentVersion, [
      { environmentId: "e-fastierprod", versionLabel: "fastier-web-v40" },
    ]);
    assert.ok(run.outcomes.some((o) => o.type === "wait" && /fastier-prod Updating/.test(o.message)));
    const now = await environment(cloud, BLUE);
    assert.deepEqual([now?.status, now?.versionLabel], ["Ready", "fastier-web-v40"]);
  });

  it("swaps back during a blue/green drain: the plan names the environment that becomes live again", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    await swappedToGreen(cloud);
    const run = await driveOperation(rollbackEnvironment, target, {}, cloud, clock);
    assert.match(
      run.plan.summary,
      /^swap back: fastier-prod\.us-east-1\.elasticbeanstalk\.com answers from fastier-prod \(fastier-web-v41\) again instead of fastier-prod-b/,
    );
    assert.deepEqual(run.plan.changes, [{ field: "liveEnvironment", from: GREEN, to: BLUE }]);
    assert.equal(run.final.type, "succeeded", JSON.stringify(run.final));
    assert.equal(calls.swapEnvironmentCnames.length, 2, "the deploy's swap and this one");
    assert.equal(calls.updateEnvironmentVersion.length, 0);
    assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME);
    // Asked on the live (green) environment, it swaps back to the same one.
    const again = recordingBlueGreenCalls(freshCloud());
    await swappedToGreen(again.cloud);
    const fromGreen = await rollbackEnvironment.plan({
      target: environmentTarget({}, GREEN),
      params: {},
      cloud: again.cloud,
      now: clock.now(),
    });
    assert.deepEqual(fromGreen.changes, [{ field: "liveEnvironment", from: GREEN, to: BLUE }]);
  });

  it("refuses an environment that is not Ready, and a field another kind of rollback takes", async () => {
    const cloud = freshCloud();
    await cloud.beanstalk.updateEnvironmentVersion("e-fastierprod", "fastier-web-v42");
    const refused = await rollbackEnvironment.plan({ target, params: {}, cloud, now: clock.now() }).catch((e) => e);
    assert.ok(refused instanceof DomainError);
    assert.equal(refused.code, "environment_not_ready");
    const bad = await rollbackEnvironment
      .plan({ target, params: { stageName: "Deploy" }, cloud, now: clock.now() })
      .catch((e) => e);
    assert.ok(bad instanceof DomainError);
    assert.deepEqual(bad.details.problems, [
      { field: "/stageName", rule: "additionalProperties", message: "is not a field of this request" },
    ]);
  });

  for (const boundary of ["act", "verify"]) {
    it(`updates once after a crash before step ${boundary}`, async () => {
      const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
      const operation = storedOperation(rollbackEnvironment, target, {}, clock.now());
      const outcomes = await resumeOperation(rollbackEnvironment, operation, target, cloud, clock, {
        crashAfter: (o: StepOutcome) => o.type === "advance" && o.step === boundary,
      });
      assert.equal(outcomes.at(-1)?.type, "succeeded", JSON.stringify(outcomes.at(-1)));
      assert.equal(calls.updateEnvironmentVersion.length, 1);
    });

    it(`swaps back once after a crash before step ${boundary}`, async () => {
      const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
      await swappedToGreen(cloud);
      const operation = storedOperation(rollbackEnvironment, target, {}, clock.now());
      const outcomes = await resumeOperation(rollbackEnvironment, operation, target, cloud, clock, {
        crashAfter: (o: StepOutcome) => o.type === "advance" && o.step === boundary,
      });
      assert.equal(outcomes.at(-1)?.type, "succeeded", JSON.stringify(outcomes.at(-1)));
      assert.equal(calls.swapEnvironmentCnames.length, 2);
      assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME);
    });
  }

  it("a deploy's gate with no earlier release to return to rolls the environment back to its previous version", async () => {
    const recorded = recordingBlueGreenCalls(freshCloud());
    // The pipeline's history as a new pipeline's: nothing before this deploy succeeded.
    const cloud: CloudPort = {
      ...recorded.cloud,
      pipelines: {
        ...recorded.cloud.pipelines,
        listExecutions: async (name, limit) =>
          (await recorded.cloud.pipelines.listExecutions(name, limit)).filter((e) =>
            e.sourceRevision?.startsWith("faulty-"),
          ),
      },
    };
    const run = await driveOperation(startDeployment, pipelineTarget, { sourceRevision: "faulty-0a1b" }, cloud, clock);
    assert.equal(run.final.type, "failed", JSON.stringify(run.final));
    if (run.final.type !== "failed") return;
    assert.equal(run.final.code, "rolled_back");
    assert.match(
      run.final.message,
      /rolled fastier-prod back to Beanstalk's previous application version fastier-web-v40: Ready and Green/,
    );
    assert.equal(
      (run.final.result?.rollback as { versionLabel?: string } | undefined)?.versionLabel,
      "fastier-web-v40",
    );
    assert.deepEqual(recorded.calls.updateEnvironmentVersion, [
      { environmentId: "e-fastierprod", versionLabel: "fastier-web-v40" },
    ]);
    assert.ok(
      run.outcomes.some(
        (o) =>
          o.type === "advance" &&
          /no earlier successful execution of .* rolling fastier-prod back to Beanstalk's previous application version fastier-web-v40/.test(
            o.message,
          ),
      ),
    );
    clock.advance(5 * 60_000);
    const balancer = await cloud.loadBalancers.findForPipeline(PIPELINE_NAME);
    assert.ok(balancer);
    const site = await readGateSignals(cloud, gateBalancerOf(balancer), clock.now(), 3);
    assert.ok(site.ratio5xx !== null && site.ratio5xx < 0.01, `back to the background: ${site.ratio5xx}`);
  });
});
