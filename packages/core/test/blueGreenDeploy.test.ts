import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import {
  BEANSTALK_DATABASE_ATTRIBUTE,
  blueGreenDeploy,
  CloudError,
  type CloudPort,
  DomainError,
  type StepOutcome,
} from "../src/index.ts";
import { BLUE, environmentTarget, GREEN, LIVE_CNAME, recordingBlueGreenCalls } from "./helpers/blueGreenTargets.ts";
import { resumeOperation } from "./helpers/rdsTargets.ts";
import { simulatorWorlds } from "./helpers/simWorlds.ts";

const NEXT_VERSION = "fastier-web-v42";

describe("blue/green deploy on Elastic Beanstalk (state machine on the simulator)", () => {
  const { clock, freshCloud } = simulatorWorlds("bluegreen");
  const target = environmentTarget();

  const environment = (cloud: CloudPort, name: string) => cloud.beanstalk.findEnvironmentByName(name);
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof DomainError, `expected a refusal, got ${String(error)}`);
    return error;
  };

  it("plans the clone, its name and the swap", async () => {
    const plan = await blueGreenDeploy.plan({
      target,
      params: { versionLabel: NEXT_VERSION },
      cloud: freshCloud(),
      now: clock.now(),
    });
    assert.match(
      plan.summary,
      /fastier-prod \(fastier-web-v41\) → fastier-prod-b with fastier-web-v42, then swap fastier-prod\.us-east-1/,
    );
    assert.deepEqual(plan.changes[0], { field: "versionLabel", from: "fastier-web-v41", to: NEXT_VERSION });
    assert.match(plan.checks.find((c) => c.name === "swap back")?.detail ?? "", /stays 15 minute\(s\)/);
  });

  it("creates green from a template, swaps once, drains, then terminates the old environment", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const result = await driveOperation(
      blueGreenDeploy,
      target,
      { versionLabel: NEXT_VERSION, drainMinutes: 20 },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));
    assert.equal(calls.createConfigurationTemplate.length, 1);
    assert.deepEqual(calls.createEnvironment, [
      {
        applicationName: "fastier-web",
        environmentName: GREEN,
        templateName: calls.createConfigurationTemplate[0]?.templateName,
        versionLabel: NEXT_VERSION,
        cnamePrefix: GREEN,
      },
    ]);
    assert.equal(calls.swapEnvironmentCnames.length, 1);
    assert.deepEqual(calls.terminateEnvironment, ["e-fastierprod"]);
    const green = await environment(cloud, GREEN);
    assert.equal(green?.cname, LIVE_CNAME, "green answers on the live host name");
    assert.equal(green?.versionLabel, NEXT_VERSION);
    assert.equal(await environment(cloud, BLUE), null, "the old environment is terminated");
    // The old one was terminated only after the drain: 20 minutes after the swap at the earliest.
    const swapped = result.outcomes.findIndex((o) => o.type === "advance" && o.step === "drain");
    const drainWaits = result.outcomes
      .slice(swapped + 1)
      .filter((o) => o.type === "wait" && /draining/.test(o.message));
    assert.equal(
      drainWaits.reduce((ms, o) => ms + (o.type === "wait" ? o.recheckAfterMs : 0), 0),
      20 * 60_000,
    );
    const discovered = await cloud.discovery.discover();
    const greenResource = discovered.resources.find((r) => r.name === GREEN);
    assert.equal(greenResource?.attributes.holdsLiveCname, true);
    assert.equal(
      discovered.resources.find((r) => r.name === BLUE),
      undefined,
      "a terminated environment is not listed",
    );
  });

  it("swaps back in one call (cancel) during the drain and terminates green", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const result = await driveOperation(blueGreenDeploy, target, { versionLabel: NEXT_VERSION }, cloud, clock, {
      beforeStep: (operation) => {
        if (operation.step === "drain") operation.cancelRequested = true;
      },
    });
    assert.equal(result.final.type, "cancelled", JSON.stringify(result.final));
    assert.match(
      result.final.type === "cancelled" ? result.final.message : "",
      /swapped back.*fastier-prod-b terminated/,
    );
    assert.equal(calls.swapEnvironmentCnames.length, 2);
    const blue = await environment(cloud, BLUE);
    assert.equal(blue?.cname, LIVE_CNAME, "blue answers on the live host name again");
    assert.equal(await environment(cloud, GREEN), null);
    assert.equal(calls.terminateEnvironment.length, 1);
    assert.equal(calls.terminateEnvironment[0], calls.swapEnvironmentCnames[0]?.destinationEnvironmentId);
  });

  it("without the gate, terminates a green environment that comes up Ready but not Green, and never swaps", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const result = await driveOperation(
      blueGreenDeploy,
      target,
      { versionLabel: "faulty-fastier-web-v44", healthGate: false },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "failed");
    assert.equal(result.final.type === "failed" ? result.final.code : "", "green_unhealthy");
    assert.match(
      result.final.type === "failed" ? result.final.message : "",
      /Ready but Red.*fastier-prod-b terminated/,
    );
    assert.equal(calls.swapEnvironmentCnames.length, 0);
    assert.equal(calls.terminateEnvironment.length, 1);
    assert.equal(await environment(cloud, GREEN), null);
    assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME, "the live environment was not touched");
  });

  it("keeps the old environment when asked, and then refuses a deploy while that green one exists", async () => {
    const cloud = freshCloud();
    const result = await driveOperation(
      blueGreenDeploy,
      target,
      { versionLabel: NEXT_VERSION, keepOldEnvironment: true, drainMinutes: 5 },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded");
    assert.equal((await environment(cloud, BLUE))?.status, "Ready");
    const listed = (await cloud.discovery.discover()).resources.filter((r) => r.kind === "beanstalk_environment");
    assert.deepEqual(
      listed.map((r) => [r.name, r.attributes.holdsLiveCname]),
      [
        [BLUE, false],
        [GREEN, true],
      ],
      "discovery shows both environments and which one holds the live CNAME",
    );
    const error = await refusal(
      blueGreenDeploy.plan({ target, params: { versionLabel: "fastier-web-v43" }, cloud, now: clock.now() }),
    );
    assert.equal(error.code, "green_environment_exists");
  });

  it("refuses an environment that is not Ready, one with a Beanstalk database, and a version already live", async () => {
    const cloud = freshCloud();
    const plan = (params: { versionLabel: string }, on = target) =>
      blueGreenDeploy.plan({ target: on, params, cloud, now: clock.now() });
    const database = await refusal(
      plan({ versionLabel: NEXT_VERSION }, environmentTarget({ [BEANSTALK_DATABASE_ATTRIBUTE]: true })),
    );
    assert.equal(database.code, "environment_has_database");
    assert.equal((await refusal(plan({ versionLabel: "fastier-web-v41" }))).code, "version_already_live");
    await cloud.beanstalk.updateInstanceTypes("e-fastierprod", ["t3.large"]);
    const updating = await refusal(plan({ versionLabel: NEXT_VERSION }));
    assert.equal(updating.code, "environment_not_ready");
    assert.match(updating.message, /is Updating/);
    assert.equal(await environment(cloud, GREEN), null, "a refusal creates nothing");
  });

  it("plans the gate: green's balancer before the swap, the live one through the drain, thresholds and baseline", async () => {
    const plan = await blueGreenDeploy.plan({
      target,
      params: { versionLabel: NEXT_VERSION, healthGate: { max5xxRatio: 0.02, bakeMinutes: 20 } },
      cloud: freshCloud(),
      now: clock.now(),
    });
    assert.equal(plan.healthGate?.enabled, true);
    assert.deepEqual(plan.healthGate?.thresholds, {
      max5xxRatio: 0.02,
      maxLatencyIncreasePercent: 100,
      unhealthyTargetGraceMinutes: 5,
      bakeMinutes: 20,
    });
    assert.ok(Number(plan.healthGate?.baseline?.requests) > 1000, JSON.stringify(plan.healthGate?.baseline));
    const detail = plan.checks.find((c) => c.name === "health gate")?.detail ?? "";
    assert.match(detail, /fastier-prod-b's balancer for 5 min once it is Ready/);
    assert.match(
      detail,
      /through the 20 min drain after the swap \(swapped back to fastier-prod\)/,
      "bake lengthens the drain",
    );
  });

  it("refuses a faulty green by the gate before the swap: breach in the result, green terminated, nothing swapped", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const result = await driveOperation(
      blueGreenDeploy,
      target,
      { versionLabel: "faulty-fastier-web-v44" },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "failed");
    if (result.final.type !== "failed") return;
    assert.equal(result.final.code, "green_unhealthy");
    assert.match(
      result.final.message,
      /health gate refused fastier-prod-b before the swap: .*fastier-prod-b terminated/,
    );
    const breach = result.final.result?.breach as { during: string; signal: string } | undefined;
    assert.equal(breach?.during, "green");
    assert.ok(["error_rate", "environment_health"].includes(breach?.signal ?? ""), JSON.stringify(breach));
    assert.equal(calls.swapEnvironmentCnames.length, 0);
    assert.equal(calls.terminateEnvironment.length, 1);
    assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME);
  });

  it("swaps back by itself when the live green breaches in the drain, and ends rolled_back with the numbers", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const result = await driveOperation(
      blueGreenDeploy,
      target,
      { versionLabel: "faulty-10m-fastier-web-v45", drainMinutes: 30 },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "failed", JSON.stringify(result.final));
    if (result.final.type !== "failed") return;
    assert.equal(result.final.code, "rolled_back");
    assert.match(
      result.final.message,
      /(5xx ratio .* is over the 5\.00% allowed|reports the environment Red).*swapped back: fastier-prod\.us-east-1\.elasticbeanstalk\.com answers from fastier-prod again; fastier-prod-b terminated/,
    );
    // Beanstalk's colour and the balancer's 5xx turn together: whichever is looked at first is the breach.
    const breach = result.final.result?.breach as { during: string; signal: string; observed: number | string };
    assert.equal(breach.during, "drain");
    assert.ok(
      (breach.signal === "error_rate" && Number(breach.observed) > 0.05) ||
        (breach.signal === "environment_health" && breach.observed === "Red"),
      JSON.stringify(breach),
    );
    assert.ok(result.final.result?.baseline, "the baseline is kept with the result");
    assert.equal(calls.swapEnvironmentCnames.length, 2, "one swap, one swap back");
    assert.equal(
      calls.swapEnvironmentCnames[1]?.sourceEnvironmentId,
      calls.swapEnvironmentCnames[0]?.destinationEnvironmentId,
    );
    assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME);
    assert.equal(await environment(cloud, GREEN), null);
    const swapBack = result.outcomes.find((o) => o.type === "advance" && o.step === "swap-back");
    assert.match(
      swapBack?.type === "advance" ? swapBack.message : "",
      /health gate breached after the swap: .*swapping back to fastier-prod/,
    );
  });

  it("opens a critical finding when Beanstalk refuses the swap back after a breach", async () => {
    const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
    const refusing: CloudPort = {
      ...cloud,
      beanstalk: {
        ...cloud.beanstalk,
        swapEnvironmentCnames: async (source, destination) => {
          if (calls.swapEnvironmentCnames.length > 0) {
            throw new CloudError(
              "invalid_state",
              "Environment named fastier-prod is in an invalid state for this operation. Must be Ready.",
              { service: "elasticbeanstalk" },
            );
          }
          return cloud.beanstalk.swapEnvironmentCnames(source, destination);
        },
      },
    };
    const result = await driveOperation(
      blueGreenDeploy,
      target,
      { versionLabel: "faulty-10m-fastier-web-v45", drainMinutes: 30 },
      refusing,
      clock,
    );
    assert.equal(result.final.type, "failed", JSON.stringify(result.final));
    if (result.final.type !== "failed") return;
    assert.equal(result.final.code, "rollback_failed");
    assert.match(
      result.final.message,
      /^CRITICAL: the health gate found .*but the automatic rollback failed: Beanstalk refused the swap back/,
    );
    assert.deepEqual(result.final.finding && [result.final.finding.ruleId, result.final.finding.severity], [
      "deploy_rollback_failed",
      "critical",
    ]);
    assert.equal(result.final.result?.severity, "critical");
    assert.equal((await environment(cloud, GREEN))?.cname, LIVE_CNAME, "green is still live and was not terminated");
  });

  const boundaries = ["create", "launch", "judge", "swap", "drain", "retire"];
  for (const boundary of boundaries) {
    it(`resumes after a crash before step ${boundary} without a second environment or swap`, async () => {
      const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
      const operation = storedOperation(blueGreenDeploy, target, { versionLabel: NEXT_VERSION }, clock.now());
      const outcomes = await resumeOperation(blueGreenDeploy, operation, target, cloud, clock, {
        crashAfter: (o: StepOutcome) => o.type === "advance" && o.step === boundary,
      });
      assert.equal(outcomes.at(-1)?.type, "succeeded", JSON.stringify(outcomes.at(-1)));
      assert.equal(calls.createConfigurationTemplate.length, 1);
      assert.equal(calls.createEnvironment.length, 1);
      assert.equal(calls.swapEnvironmentCnames.length, 1);
      assert.equal(calls.terminateEnvironment.length, 1);
      assert.equal((await environment(cloud, GREEN))?.cname, LIVE_CNAME);
    });
  }

  for (const boundary of ["swap-back", "discard"]) {
    it(`swaps back once after a breach in the drain and a crash before step ${boundary}`, async () => {
      const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
      const params = { versionLabel: "faulty-10m-fastier-web-v45", drainMinutes: 30 };
      const operation = storedOperation(blueGreenDeploy, target, params, clock.now());
      const outcomes = await resumeOperation(blueGreenDeploy, operation, target, cloud, clock, {
        crashAfter: (o: StepOutcome) => o.type === "advance" && o.step === boundary,
      });
      const last = outcomes.at(-1);
      assert.equal(last?.type === "failed" ? last.code : last?.type, "rolled_back");
      assert.equal(calls.swapEnvironmentCnames.length, 2);
      assert.equal(calls.createEnvironment.length, 1);
      assert.equal(calls.terminateEnvironment.length, 1);
      assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME);
    });
  }

  for (const boundary of ["swap-back", "discard"]) {
    it(`swaps back once after a crash before step ${boundary}`, async () => {
      const { cloud, calls } = recordingBlueGreenCalls(freshCloud());
      const operation = storedOperation(blueGreenDeploy, target, { versionLabel: NEXT_VERSION }, clock.now());
      const outcomes = await resumeOperation(blueGreenDeploy, operation, target, cloud, clock, {
        crashAfter: (o: StepOutcome) => {
          if (o.type === "advance" && o.step === "drain") operation.cancelRequested = true;
          return o.type === "advance" && o.step === boundary;
        },
      });
      assert.equal(outcomes.at(-1)?.type, "cancelled", JSON.stringify(outcomes.at(-1)));
      assert.equal(calls.swapEnvironmentCnames.length, 2);
      assert.equal(calls.terminateEnvironment.length, 1);
      assert.equal((await environment(cloud, BLUE))?.cname, LIVE_CNAME);
    });
  }
});
