// Changing an Auto Scaling group's instance type through the API, carried out by the reconciler on the
// simulator with a controlled clock: the Beanstalk path, the launch template path, refusals, and a
// refresh that fails and rolls back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FAIL_REPLACEMENT_TAG } from "@fastier/cloud";
import { ASG_NAME } from "@fastier/core";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { type SyncedApp, syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";
import { createTestApp } from "./helpers/testApp.ts";

const WORKERS = "fastier-workers";
const BATCH = "fastier-batch";
const plainGroup = (name: string, tags: Record<string, string> = {}) => ({
  name,
  instanceType: "t3.medium",
  minSize: 2,
  maxSize: 4,
  desiredCapacity: 2,
  tags,
});

describe("instance type changes through the API", () => {
  let app: SyncedApp;
  const ids: Record<string, string> = {};
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.t.app.inject({ method: "POST", url, headers: { ...app.t.auth("operator"), ...headers }, payload });
  const get = async (url: string) => {
    const response = await app.t.app.inject({ method: "GET", url, headers: app.t.auth("viewer") });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const url = (cloudId: string) => `/v1/resources/${ids[cloudId]}/instance-type`;
  const operationCount = () => app.t.db.prisma.operation.count();

  before(async () => {
    const t = await createTestApp({
      plainGroups: [plainGroup(WORKERS), plainGroup(BATCH, { [FAIL_REPLACEMENT_TAG]: "true" })],
    });
    app = await syncedApp(t);
    for (const resource of await app.t.db.prisma.resource.findMany({ where: { kind: "AUTO_SCALING_GROUP" } })) {
      ids[resource.cloudId] = resource.id;
    }
  });
  after(() => app.t.close());

  it("refuses bad input with problems naming the field and rule, and changes nothing", async () => {
    const cases: [object, number, string, string][] = [
      [{ instanceType: "T3 LARGE" }, 400, "/instanceType", "pattern"],
      [{ instanceType: "t3.large", maxHealthyPercentage: 250 }, 400, "/maxHealthyPercentage", "maximum"],
      [{ instanceType: "x9.huge" }, 422, "/instanceType", "catalog"],
      [{ instanceType: "t3.small" }, 422, "/instanceType", "memory"],
      [{ instanceType: "r7g.large" }, 422, "/instanceType", "architecture"],
    ];
    for (const [payload, status, field, rule] of cases) {
      const response = await post(url(ASG_NAME), payload);
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers["content-type"]), /application\/problem\+json/);
      const problem = response.json();
      assert.ok(
        problem.errors?.some((p: { field: string; rule: string }) => p.field === field && p.rule === rule),
        JSON.stringify(problem),
      );
    }
    assert.equal(await operationCount(), 0);
    assert.equal((await app.t.cloud.beanstalk.describeEnvironment("e-fastierprod")).status, "Ready");
  });

  it("plans the Beanstalk group's change, then runs it to Ready with every instance replaced", async () => {
    const dryRun = await post(url(ASG_NAME), { instanceType: "t3.large", dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    const { plan } = dryRun.json();
    assert.deepEqual(plan.changes[0], { field: "instanceType", from: "t3.medium", to: "t3.large" });
    assert.ok(plan.changes.some((c: { field: string }) => c.field === "monthlyCostUsd"));
    assert.ok(plan.changes.some((c: { field: string }) => c.field === "peakMemoryPercent"));
    assert.equal(plan.deadline.timeoutMinutes, 90);
    assert.equal(await operationCount(), 0, "a dry run records nothing");

    const accepted = await post(url(ASG_NAME), { instanceType: "t3.large" }, { "idempotency-key": "itype-1" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const operation = accepted.json();
    assert.equal(operation.kind, "change_instance_type");
    const busy = await post(url(ASG_NAME), { instanceType: "m6i.large" });
    assert.equal(busy.statusCode, 409, "the group's lock");
    await reconcileToEnd(app.t, operation.id);
    const done = await get(`/v1/operations/${operation.id}`);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal((await get(`/v1/resources/${ids[ASG_NAME]}`)).instanceType, "t3.large");
    const messages = done.events.map((e: { message: string }) => e.message).join("\n");
    assert.match(messages, /asked fastier-prod for aws:ec2:instances InstanceTypes t3\.large/);
    assert.match(messages, /fastier-prod Updating/);
    assert.match(messages, /is Ready .* every instance runs t3\.large/);

    app.t.clock.advance(5 * 60_000);
    await syncFromCloud(app.t, app.envId);
    const instances = await app.t.db.prisma.resource.findMany({
      where: { kind: "INSTANCE", parentId: ids[ASG_NAME], status: "ACTIVE" },
    });
    assert.deepEqual(
      instances.map((i) => i.instanceType),
      ["t3.large", "t3.large"],
      "sync sees the new instances",
    );
  });

  it("refreshes a plain group through a new launch template version, and refuses while a refresh runs", async () => {
    const template = await app.t.cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.ok(template);
    const accepted = await post(url(WORKERS), { instanceType: "m6i.large", maxHealthyPercentage: 150 });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const operation = accepted.json();
    assert.match(
      operation.plan.checks.find((c: { name: string }) => c.name === "replacement").detail,
      /2 instance\(s\) replaced in 2 batch\(es\) of 1, 1/,
    );
    await reconcileToEnd(app.t, operation.id);
    const done = await get(`/v1/operations/${operation.id}`);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const after = await app.t.cloud.autoScaling.describeLaunchTemplate(WORKERS);
    assert.deepEqual([after?.versionNumber, after?.instanceType], [template.versionNumber + 1, "m6i.large"]);

    // Someone else's refresh in progress: 409, nothing recorded.
    await app.t.cloud.autoScaling.startInstanceRefresh(WORKERS, {
      launchTemplateId: template.launchTemplateId,
      version: template.versionNumber,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 200,
      autoRollback: true,
    });
    const before = await operationCount();
    const refused = await post(url(WORKERS), { instanceType: "t3.large" });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, "instance_refresh_in_progress");
    assert.equal(await operationCount(), before);
  });

  it("ends failed with instance_refresh_rolled_back when the new instances fail, the group left on its type", async () => {
    const accepted = await post(url(BATCH), { instanceType: "t3.large" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    await reconcileToEnd(app.t, accepted.json().id);
    const done = await get(`/v1/operations/${accepted.json().id}`);
    assert.equal(done.status, "failed");
    assert.equal(done.error.code, "instance_refresh_rolled_back");
    assert.match(done.error.message, /rolled back to launch template version 1/);
    const [group] = await app.t.cloud.autoScaling.describeGroups([BATCH]);
    assert.equal(group?.instanceType, "t3.medium");
    assert.equal((await get(`/v1/resources/${ids[BATCH]}`)).instanceType, "t3.medium");
  });
});
