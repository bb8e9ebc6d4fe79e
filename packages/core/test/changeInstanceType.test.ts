import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSimCloud, FAIL_REPLACEMENT_TAG, type PlainGroupSeed } from "@fastier/cloud";
import { driveOperation, storedOperation } from "../../../test/helpers/driveOperation.ts";
import { ASG_NAME, type CloudPort, changeInstanceType, type Operation } from "../src/index.ts";
import { groupTarget, noInstanceTypeCalls, recordingInstanceTypeCalls } from "./helpers/instanceTypeTargets.ts";
import { resumeOperation } from "./helpers/rdsTargets.ts";
import { simulatorWorlds } from "./helpers/simWorlds.ts";

const WORKERS = "fastier-workers";
const workers = (tags: Record<string, string> = {}): PlainGroupSeed => ({
  name: WORKERS,
  instanceType: "t3.medium",
  minSize: 2,
  maxSize: 4,
  desiredCapacity: 2,
  tags,
});

describe("change the instance type of an Auto Scaling group (state machine on the simulator)", () => {
  const { clock, database, nextAccountId, freshCloud: freshWorld } = simulatorWorlds("itype");
  const beanstalkGroup = groupTarget(ASG_NAME);
  const plainGroup = groupTarget(WORKERS);

  /** A simulated account of its own: Fastier's Beanstalk group on t3.medium, and a plain group of two. */
  const freshCloud = (tags?: Record<string, string>): CloudPort => freshWorld({ plainGroups: [workers(tags)] });

  const group = async (cloud: CloudPort, name: string) => {
    const [found] = await cloud.autoScaling.describeGroups([name]);
    assert.ok(found);
    return found;
  };
  const inService = async (cloud: CloudPort, name: string) =>
    (await group(cloud, name)).instances.filter((i) => i.lifecycleState === "InService").length;

  it("plans a Beanstalk group's change with the cost, the batches and the projected peak", async () => {
    const cloud = freshCloud();
    const plan = await changeInstanceType.plan({
      target: beanstalkGroup,
      params: { instanceType: "t3.large" },
      cloud,
      now: clock.now(),
    });
    const field = (name: string) => plan.changes.find((c) => c.field === name);
    assert.deepEqual(field("instanceType"), { field: "instanceType", from: "t3.medium", to: "t3.large" });
    assert.deepEqual(field("memoryGiB"), { field: "memoryGiB", from: 4, to: 8 });
    // 2 × 730 h × $0.0416 → 2 × 730 h × $0.0832.
    assert.deepEqual(field("monthlyCostUsd"), { field: "monthlyCostUsd", from: 60.74, to: 121.47 });
    const peak = field("peakMemoryPercent");
    assert.ok(peak && Number(peak.from) >= 85 && Number(peak.to) < 50, JSON.stringify(peak));
    assert.ok(Math.abs(Number(peak.to) - Number(peak.from) / 2) <= 0.1, "the same GiB on twice the memory");
    const check = (name: string) => plan.checks.find((c) => c.name === name)?.detail ?? "";
    assert.match(check("path"), /UpdateEnvironment aws:ec2:instances InstanceTypes/);
    assert.match(
      check("replacement"),
      /2 instance\(s\) replaced in 2 batch\(es\) of 1, 1: rolling update, at least 1 in service/,
    );
    assert.match(plan.summary, /t3\.medium → t3\.large, 2 instance\(s\) replaced, \+\$60\.73\/month/);
  });

  it("updates the Beanstalk environment once, follows it batch by batch to Ready, and records the type", async () => {
    const { cloud, calls } = recordingInstanceTypeCalls(freshCloud());
    const launchTemplateBefore = await cloud.autoScaling.describeLaunchTemplate(ASG_NAME);
    const result = await driveOperation(changeInstanceType, beanstalkGroup, { instanceType: "t3.large" }, cloud, clock);
    assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));
    assert.deepEqual(calls.updateInstanceTypes, [{ environmentId: "e-fastierprod", instanceTypes: ["t3.large"] }]);
    assert.equal(
      calls.createLaunchTemplateVersion.length + calls.startInstanceRefresh.length,
      0,
      "never the group's own template",
    );
    const steps = result.outcomes.map((o) => (o.type === "advance" ? `advance:${o.step}` : o.type));
    assert.equal(steps[0], "advance:wait");
    assert.ok(steps.filter((s) => s === "wait").length >= 2, "a rolling update takes several looks");
    assert.deepEqual(steps.slice(-2), ["advance:verify", "succeeded"]);

    const after = await group(cloud, ASG_NAME);
    assert.equal(after.instanceType, "t3.large");
    assert.deepEqual(
      after.instances.filter((i) => i.lifecycleState !== "Terminating").map((i) => [i.instanceType, i.lifecycleState]),
      [
        ["t3.large", "InService"],
        ["t3.large", "InService"],
      ],
    );
    const environment = await cloud.beanstalk.describeEnvironment("e-fastierprod");
    assert.equal(environment.status, "Ready");
    assert.deepEqual(environment.instanceTypes, ["t3.large"]);
    const events = (await cloud.beanstalk.describeEvents("e-fastierprod", new Date(0))).map((e) => e.message);
    assert.deepEqual(events.slice(0, 1), ["Environment update is starting."]);
    assert.equal(events.filter((m) => /Batch \d of 2/.test(m)).length, 2);
    assert.equal(events.at(-1), "Environment update completed successfully.");
    // Beanstalk changed its own template; the control plane did not.
    assert.ok(
      (await cloud.autoScaling.describeLaunchTemplate(ASG_NAME))?.versionNumber !== launchTemplateBefore?.versionNumber,
    );
    if (result.final.type === "succeeded") {
      assert.deepEqual(result.final.inventory?.updates, [
        { resourceId: beanstalkGroup.id, changes: { instanceType: "t3.large" } },
      ]);
    }
    const waits = result.outcomes.filter((o) => o.type === "wait");
    assert.ok(
      waits.some((o) => o.type === "wait" && /Updating/.test(o.message)),
      "the history shows the environment Updating",
    );

    // Done already: the plan says so and a second operation calls nothing.
    const again = recordingInstanceTypeCalls(cloud);
    const plan = await changeInstanceType.plan({
      target: beanstalkGroup,
      params: { instanceType: "t3.large" },
      cloud,
      now: clock.now(),
    });
    assert.deepEqual(plan.changes, []);
    const second = await driveOperation(
      changeInstanceType,
      beanstalkGroup,
      { instanceType: "t3.large" },
      again.cloud,
      clock,
    );
    assert.equal(second.final.type, "succeeded");
    assert.ok(noInstanceTypeCalls(again.calls));
  });

  it("keeps at least the minimum in service while Beanstalk replaces instances", async () => {
    const cloud = freshCloud();
    await cloud.beanstalk.updateInstanceTypes("e-fastierprod", ["t3.large"]);
    const fewest: number[] = [];
    for (let minute = 0; minute < 20; minute += 1) {
      fewest.push(await inService(cloud, ASG_NAME));
      clock.advance(60_000);
    }
    assert.ok(Math.min(...fewest) >= 2, JSON.stringify(fewest));
    assert.equal((await cloud.beanstalk.describeEnvironment("e-fastierprod")).status, "Ready");
  });

  it("asks Beanstalk once when the act step runs again after a crash", async () => {
    const { cloud, calls } = recordingInstanceTypeCalls(freshCloud());
    const operation = storedOperation(
      changeInstanceType,
      beanstalkGroup,
      { instanceType: "t3.large" },
      clock.now(),
    ) as Operation & {
      params: { instanceType: string };
    };
    const outcomes = await resumeOperation(changeInstanceType, operation, beanstalkGroup, cloud, clock, {
      crashAfter: (outcome) => outcome.type === "advance" && outcome.step === "wait",
    });
    assert.equal(outcomes.at(-1)?.type, "succeeded", JSON.stringify(outcomes.at(-1)));
    assert.equal(calls.updateInstanceTypes.length, 1);
    assert.match(outcomes[1]?.type === "advance" ? outcomes[1].message : "", /already has InstanceTypes t3\.large/);
  });

  it("ends failed with environment_update_failed when Beanstalk's new instances fail, the configuration rolled back", async () => {
    const accountId = nextAccountId();
    const cloud = createSimCloud({ pool: database().pool, clock, accountId });
    await cloud.autoScaling.describeGroups();
    // Fastier's group carries no failure tag: give it one in the stored world, as a hand edit would.
    await database().pool.query(
      `UPDATE sim_accounts SET state = jsonb_set(state, '{groups,0,tags,${FAIL_REPLACEMENT_TAG}}', '"true"') WHERE id = $1`,
      [accountId],
    );
    const result = await driveOperation(changeInstanceType, beanstalkGroup, { instanceType: "t3.large" }, cloud, clock);
    assert.equal(
      result.final.type === "failed" && result.final.code,
      "environment_update_failed",
      JSON.stringify(result.final),
    );
    assert.match(
      result.final.type === "failed" ? result.final.message : "",
      /failed their health checks; rolling back the configuration to t3\.medium/,
    );
    const environment = await cloud.beanstalk.describeEnvironment("e-fastierprod");
    assert.deepEqual([environment.status, environment.instanceTypes], ["Ready", ["t3.medium"]]);
    const after = await group(cloud, ASG_NAME);
    assert.equal(after.instanceType, "t3.medium");
    assert.ok(
      after.instances.filter((i) => i.lifecycleState === "InService").every((i) => i.instanceType === "t3.medium"),
    );
  });

  it("refuses an unknown type, one too small for the peak, another architecture and an environment already updating", async () => {
    const cloud = freshCloud();
    const plan = (instanceType: string, target = beanstalkGroup) =>
      changeInstanceType.plan({ target, params: { instanceType }, cloud, now: clock.now() });
    await assert.rejects(plan("x9.huge"), { code: "unknown_instance_type", kind: "unprocessable" });
    await assert.rejects(
      plan("t3.small"),
      (error: { code: string; message: string; details: { problems: { field: string }[] } }) => {
        assert.equal(error.code, "insufficient_memory");
        assert.match(error.message, /t3\.small has 2 GiB/);
        assert.equal(error.details.problems[0]?.field, "/instanceType");
        return true;
      },
    );
    await assert.rejects(plan("r7g.large"), { code: "architecture_mismatch" });
    await assert.rejects(
      changeInstanceType.plan({
        target: beanstalkGroup,
        params: { instanceType: "t3.large", extra: 1 },
        cloud,
        now: clock.now(),
      }),
      { code: "validation_failed" },
    );
    await cloud.beanstalk.updateInstanceTypes("e-fastierprod", ["m6i.large"]);
    await assert.rejects(plan("t3.large"), { code: "environment_update_in_progress", kind: "conflict" });
    // A step that finds someone else's update does not pile another on it.
    const { cloud: recorded, calls } = recordingInstanceTypeCalls(cloud);
    const operation = storedOperation(changeInstanceType, beanstalkGroup, { instanceType: "t3.large" }, clock.now());
    const [outcome] = await resumeOperation(changeInstanceType, operation, beanstalkGroup, recorded, clock);
    assert.equal(outcome?.type === "failed" && outcome.code, "environment_update_in_progress");
    assert.ok(noInstanceTypeCalls(calls));
  });

  it("plans a plain group's refresh in batches, launching before terminating", async () => {
    const cloud = freshCloud();
    const plan = await changeInstanceType.plan({
      target: plainGroup,
      params: { instanceType: "t3.large", maxHealthyPercentage: 150 },
      cloud,
      now: clock.now(),
    });
    const detail = plan.checks.find((c) => c.name === "replacement")?.detail ?? "";
    assert.match(
      detail,
      /2 instance\(s\) replaced in 2 batch\(es\) of 1, 1: launch before terminate \(min healthy 100%, max 150%\), never fewer than 2 in service/,
    );
    assert.match(
      plan.checks.find((c) => c.name === "path")?.detail ?? "",
      /new launch template version, instance refresh with auto rollback/,
    );
  });

  it("creates a launch template version, refreshes the plain group to it and moves the group there", async () => {
    const { cloud, calls } = recordingInstanceTypeCalls(freshCloud());
    const result = await driveOperation(
      changeInstanceType,
      plainGroup,
      { instanceType: "t3.large", maxHealthyPercentage: 150 },
      cloud,
      clock,
    );
    assert.equal(result.final.type, "succeeded", JSON.stringify(result.final));
    const template = await cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.ok(template);
    assert.deepEqual(calls.createLaunchTemplateVersion, [
      {
        launchTemplateId: template.launchTemplateId,
        sourceVersion: 1,
        instanceType: "t3.large",
        versionDescription: `fastier-control-plane operation ${result.operation.id}: t3.large`,
      },
    ]);
    assert.deepEqual(calls.startInstanceRefresh, [
      {
        groupName: WORKERS,
        request: {
          launchTemplateId: template.launchTemplateId,
          version: 2,
          minHealthyPercentage: 100,
          maxHealthyPercentage: 150,
          autoRollback: true,
        },
      },
    ]);
    assert.equal(calls.updateInstanceTypes.length, 0);
    assert.equal(template.versionNumber, 2, "the refresh moved the group to the new version");
    assert.equal(template.instanceType, "t3.large");
    const [refresh] = await cloud.autoScaling.describeInstanceRefreshes(WORKERS);
    assert.equal(refresh?.status, "Successful");
    assert.equal(refresh?.percentageComplete, 100);
    const after = await group(cloud, WORKERS);
    assert.deepEqual(
      after.instances.filter((i) => i.lifecycleState === "InService").map((i) => i.instanceType),
      ["t3.large", "t3.large"],
    );
    assert.ok(after.instances.every((i) => i.instanceType === "t3.large" || i.lifecycleState === "Terminating"));
  });

  it("keeps every instance in service during a refresh (minimum healthy 100%)", async () => {
    const cloud = freshCloud();
    const template = await cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.ok(template);
    const version = await cloud.autoScaling.createLaunchTemplateVersion({
      launchTemplateId: template.launchTemplateId,
      sourceVersion: 1,
      instanceType: "t3.large",
      versionDescription: "by hand",
    });
    await cloud.autoScaling.startInstanceRefresh(WORKERS, {
      launchTemplateId: template.launchTemplateId,
      version: version.versionNumber,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 150,
      autoRollback: true,
    });
    // Auto Scaling runs one refresh at a time.
    await assert.rejects(
      cloud.autoScaling.startInstanceRefresh(WORKERS, {
        launchTemplateId: template.launchTemplateId,
        version: 1,
        minHealthyPercentage: 100,
        maxHealthyPercentage: 200,
        autoRollback: true,
      }),
      { kind: "invalid_state", providerCode: "InstanceRefreshInProgress" },
    );
    const counts: number[] = [];
    const progress: number[] = [];
    for (let minute = 0; minute < 15; minute += 1) {
      counts.push(await inService(cloud, WORKERS));
      progress.push((await cloud.autoScaling.describeInstanceRefreshes(WORKERS))[0]?.percentageComplete ?? -1);
      clock.advance(60_000);
    }
    assert.ok(Math.min(...counts) >= 2, JSON.stringify(counts));
    assert.ok(Math.max(...counts) <= 3, "one batch of one above desired at a time");
    assert.ok(progress.includes(50), `half done after the first batch: ${JSON.stringify(progress)}`);
  });

  it("refuses a plain group with a refresh in progress, and a crashed step creates and starts nothing twice", async () => {
    const { cloud, calls } = recordingInstanceTypeCalls(freshCloud());
    const operation = storedOperation(
      changeInstanceType,
      plainGroup,
      { instanceType: "t3.large" },
      clock.now(),
    ) as Operation & {
      params: { instanceType: string };
    };
    // A crash after each cloud call: the version's step, then the refresh's.
    const crashes = new Set<string>();
    const outcomes = await resumeOperation(changeInstanceType, operation, plainGroup, cloud, clock, {
      crashAfter: (outcome) => {
        if (outcome.type !== "advance" || crashes.has(outcome.step)) return false;
        crashes.add(outcome.step);
        return outcome.step === "refresh";
      },
    });
    assert.equal(calls.createLaunchTemplateVersion.length, 1);
    assert.match(outcomes[1]?.type === "advance" ? outcomes[1].message : "", /version 2 with t3\.large already exists/);
    assert.equal(outcomes.at(-1)?.type, "succeeded");

    const second = recordingInstanceTypeCalls(freshCloud());
    const op2 = storedOperation(
      changeInstanceType,
      plainGroup,
      { instanceType: "t3.large" },
      clock.now(),
    ) as Operation & {
      params: { instanceType: string };
    };
    const outcomes2 = await resumeOperation(changeInstanceType, op2, plainGroup, second.cloud, clock, {
      crashAfter: (outcome) => outcome.type === "advance" && outcome.step === "wait",
    });
    assert.equal(second.calls.startInstanceRefresh.length, 1, "the repeated refresh step found its refresh");
    assert.equal(outcomes2.at(-1)?.type, "succeeded");

    // Someone else's refresh: the plan refuses with 409.
    const busy = freshCloud();
    const template = await busy.autoScaling.describeLaunchTemplate(WORKERS);
    assert.ok(template);
    await busy.autoScaling.startInstanceRefresh(WORKERS, {
      launchTemplateId: template.launchTemplateId,
      version: 1,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 200,
      autoRollback: false,
    });
    await assert.rejects(
      changeInstanceType.plan({
        target: plainGroup,
        params: { instanceType: "t3.large" },
        cloud: busy,
        now: clock.now(),
      }),
      { code: "instance_refresh_in_progress", kind: "conflict" },
    );
  });

  it("ends failed with instance_refresh_rolled_back when new instances fail, leaving the group on its type", async () => {
    const cloud = freshCloud({ [FAIL_REPLACEMENT_TAG]: "true" });
    const result = await driveOperation(changeInstanceType, plainGroup, { instanceType: "t3.large" }, cloud, clock);
    assert.equal(result.final.type, "failed");
    if (result.final.type === "failed") {
      assert.equal(result.final.code, "instance_refresh_rolled_back");
      assert.match(
        result.final.message,
        /RollbackSuccessful: .*health checks.*rolled back to launch template version 1/,
      );
    }
    const template = await cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.equal(template?.versionNumber, 1);
    clock.advance(5 * 60_000);
    const after = await group(cloud, WORKERS);
    assert.equal(after.instanceType, "t3.medium");
    assert.deepEqual(
      after.instances.map((i) => [i.instanceType, i.lifecycleState]),
      [
        ["t3.medium", "InService"],
        ["t3.medium", "InService"],
      ],
    );
  });
});
