// A blue/green deploy through the API, carried out by the reconciler on the simulator with a
// controlled clock: bad input, a deploy run to its end, and a swap back asked during the drain.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BEANSTALK_ENVIRONMENT_NAME } from "@fastier/core";
import { createOperationStore } from "@fastier/db";
import { reconcilerFor, reconcileToEnd } from "./helpers/reconcile.ts";
import { type SyncedApp, syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";
import { createTestApp } from "./helpers/testApp.ts";

const LIVE_CNAME = "fastier-prod.us-east-1.elasticbeanstalk.com";

describe("blue/green deploys through the API", () => {
  let app: SyncedApp;
  let blueId = "";
  const post = (url: string, payload?: object) =>
    app.t.app.inject({ method: "POST", url, headers: app.t.auth("operator"), ...(payload && { payload }) });
  const get = async (url: string) => {
    const response = await app.t.app.inject({ method: "GET", url, headers: app.t.auth("viewer") });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const environment = (name: string) => app.t.cloud.beanstalk.findEnvironmentByName(name);

  before(async () => {
    app = await syncedApp(await createTestApp());
    const blue = await app.t.db.prisma.resource.findFirst({ where: { name: BEANSTALK_ENVIRONMENT_NAME } });
    assert.ok(blue);
    blueId = blue.id;
  });
  after(() => app.t.close());

  it("refuses bad input with problems naming the field and rule, and changes nothing", async () => {
    const cases: [object, string, string][] = [
      [{ versionLabel: "v 42" }, "/versionLabel", "pattern"],
      [{ versionLabel: "fastier-web-v42", drainMinutes: 2 }, "/drainMinutes", "minimum"],
      [{ versionLabel: "fastier-web-v42", drainMinutes: 241 }, "/drainMinutes", "maximum"],
      [{ versionLabel: "fastier-web-v42", swapNow: true }, "/swapNow", "additionalProperties"],
    ];
    for (const [payload, field, rule] of cases) {
      const response = await post(`/v1/resources/${blueId}/blue-green`, payload);
      assert.equal(response.statusCode, 400, response.body);
      assert.match(String(response.headers["content-type"]), /application\/problem\+json/);
      const problem = response.json();
      assert.ok(
        problem.errors?.some((p: { field: string; rule: string }) => p.field.startsWith(field) && p.rule === rule),
        JSON.stringify(problem),
      );
    }
    assert.equal(await app.t.db.prisma.operation.count(), 0);
    assert.equal(await environment(`${BEANSTALK_ENVIRONMENT_NAME}-b`), null);
  });

  it("rolls the environment back to its previous application version in one call when no blue/green is draining", async () => {
    const plan = await post(`/v1/resources/${blueId}/rollback`, { dryRun: true });
    assert.equal(plan.statusCode, 200, plan.body);
    assert.deepEqual(plan.json().plan.changes, [
      { field: "versionLabel", from: "fastier-web-v41", to: "fastier-web-v40" },
    ]);
    const accepted = await app.t.app.inject({
      method: "POST",
      url: `/v1/resources/${blueId}/rollback`,
      headers: { ...app.t.auth("operator"), "idempotency-key": "env-rollback-1" },
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const again = await app.t.app.inject({
      method: "POST",
      url: `/v1/resources/${blueId}/rollback`,
      headers: { ...app.t.auth("operator"), "idempotency-key": "env-rollback-1" },
    });
    assert.equal(again.json().id, accepted.json().id, "the same key answers the same operation");
    const second = await post(`/v1/resources/${blueId}/rollback`);
    assert.equal(second.statusCode, 409, "two rollbacks of one environment exclude each other");
    await reconcileToEnd(app.t, accepted.json().id);
    const done = await get(`/v1/operations/${accepted.json().id}`);
    assert.equal(done.status, "succeeded", JSON.stringify(done));
    assert.deepEqual([done.result.mode, done.result.versionLabel], ["previous_version", "fastier-web-v40"]);
    assert.equal((await environment(BEANSTALK_ENVIRONMENT_NAME))?.versionLabel, "fastier-web-v40");
    const audit = await get("/v1/audit-events?limit=20");
    assert.ok(JSON.stringify(audit).includes(accepted.json().id), "the request is audited");
  });

  it("swaps back in one call during the drain: the old environment is live again and green is gone", async () => {
    const accepted = await post(`/v1/resources/${blueId}/blue-green`, { versionLabel: "fastier-web-v42" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const operation = accepted.json();
    const reconciler = reconcilerFor(app.t);
    const operations = createOperationStore(app.t.db);
    for (let i = 0; i < 100 && (await operations.get(operation.id))?.step !== "drain"; i += 1) {
      await reconciler.tick();
      app.t.clock.advance(30_000);
    }
    assert.equal((await environment(`${BEANSTALK_ENVIRONMENT_NAME}-b`))?.cname, LIVE_CNAME, "green is live");
    const cancel = await post(`/v1/operations/${operation.id}/cancel`);
    assert.equal(cancel.statusCode, 202, cancel.body);
    await reconcileToEnd(app.t, operation.id);
    const done = await get(`/v1/operations/${operation.id}`);
    assert.equal(done.status, "cancelled", JSON.stringify(done));
    const messages = done.events.map((e: { message: string }) => e.message).join("\n");
    assert.match(
      messages,
      /swapped back: fastier-prod\.us-east-1\.elasticbeanstalk\.com answers from fastier-prod again/,
    );
    assert.doesNotMatch(messages, /cancel came too late/);
    assert.equal((await environment(BEANSTALK_ENVIRONMENT_NAME))?.cname, LIVE_CNAME);
    assert.equal(await environment(`${BEANSTALK_ENVIRONMENT_NAME}-b`), null);
  });

  it("rolls back in one call during the drain: POST /rollback without a body swaps back, and the deploy ends", async () => {
    const accepted = await post(`/v1/resources/${blueId}/blue-green`, { versionLabel: "fastier-web-v42" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const deploy = accepted.json();
    const reconciler = reconcilerFor(app.t);
    const operations = createOperationStore(app.t.db);
    for (let i = 0; i < 100 && (await operations.get(deploy.id))?.step !== "drain"; i += 1) {
      await reconciler.tick();
      app.t.clock.advance(30_000);
    }
    const wrongField = await post(`/v1/resources/${blueId}/rollback`, { stageName: "Deploy" });
    assert.equal(wrongField.statusCode, 400, wrongField.body);
    assert.deepEqual(
      wrongField.json().errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [["/stageName", "additionalProperties"]],
    );
    const plan = await post(`/v1/resources/${blueId}/rollback`, { dryRun: true });
    assert.equal(plan.statusCode, 200, plan.body);
    assert.deepEqual(plan.json().plan.changes, [
      { field: "liveEnvironment", from: `${BEANSTALK_ENVIRONMENT_NAME}-b`, to: BEANSTALK_ENVIRONMENT_NAME },
    ]);
    const rollback = await app.t.app.inject({
      method: "POST",
      url: `/v1/resources/${blueId}/rollback`,
      headers: app.t.auth("operator"),
    });
    assert.equal(rollback.statusCode, 202, rollback.body);
    assert.equal(rollback.json().kind, "rollback_environment");
    await reconcileToEnd(app.t, rollback.json().id);
    await reconcileToEnd(app.t, deploy.id);
    const rolledBack = await get(`/v1/operations/${rollback.json().id}`);
    assert.equal(rolledBack.status, "succeeded", JSON.stringify(rolledBack));
    assert.match(
      rolledBack.result ? JSON.stringify(rolledBack.events) : "",
      /swapped CNAMEs: fastier-prod\.us-east-1\.elasticbeanstalk\.com answers from fastier-prod again/,
    );
    const ended = await get(`/v1/operations/${deploy.id}`);
    assert.equal(ended.status, "cancelled", JSON.stringify(ended));
    assert.match(
      ended.events.map((e: { message: string }) => e.message).join("\n"),
      /no longer answers from fastier-prod-b: swapped back/,
    );
    assert.equal((await environment(BEANSTALK_ENVIRONMENT_NAME))?.cname, LIVE_CNAME);
    assert.equal(await environment(`${BEANSTALK_ENVIRONMENT_NAME}-b`), null);
  });

  it("runs a deploy to its end and the next sync shows the green environment holding the live CNAME", async () => {
    const dryRun = await post(`/v1/resources/${blueId}/blue-green`, { versionLabel: "fastier-web-v43", dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    assert.equal(dryRun.json().plan.deadline.timeoutMinutes, 300);
    const accepted = await post(`/v1/resources/${blueId}/blue-green`, {
      versionLabel: "fastier-web-v43",
      drainMinutes: 5,
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    await reconcileToEnd(app.t, accepted.json().id);
    const done = await get(`/v1/operations/${accepted.json().id}`);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.result.oldEnvironment, "terminated");
    await syncFromCloud(app.t, app.envId);
    const green = await app.t.db.prisma.resource.findFirst({ where: { name: `${BEANSTALK_ENVIRONMENT_NAME}-b` } });
    assert.equal((green?.attributes as { holdsLiveCname?: boolean } | undefined)?.holdsLiveCname, true);
    const blue = await app.t.db.prisma.resource.findUnique({ where: { id: blueId } });
    assert.equal(blue?.status, "GONE", "the terminated environment is gone from the inventory");
  });

  it("swaps back by itself when the live version breaches after the swap: rolled_back, with the breach in the events", async () => {
    // The previous test left fastier-prod-b live: it is the blue environment now, and green is fastier-prod-a.
    const live = await app.t.db.prisma.resource.findFirst({ where: { name: `${BEANSTALK_ENVIRONMENT_NAME}-b` } });
    assert.ok(live);
    const accepted = await post(`/v1/resources/${live.id}/blue-green`, { versionLabel: "faulty-10m-fastier-web-v45" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.equal(accepted.json().plan.healthGate.enabled, true);
    await reconcileToEnd(app.t, accepted.json().id);
    const done = await get(`/v1/operations/${accepted.json().id}`);
    assert.equal(done.status, "failed", JSON.stringify(done));
    assert.equal(done.error.code, "rolled_back");
    assert.equal(done.result.breach.during, "drain");
    const messages: string[] = done.events.map((e: { message: string }) => e.message);
    assert.ok(
      messages.some((m) => /passed the health gate over 5 min/.test(m)),
      messages.join("\n"),
    );
    assert.ok(
      messages.some((m) => /^health gate breached after the swap: /.test(m)),
      messages.join("\n"),
    );
    assert.ok(
      messages.some((m) => /swapped back: \S+ answers from fastier-prod-b again/.test(m)),
      messages.join("\n"),
    );
    assert.equal((await environment(`${BEANSTALK_ENVIRONMENT_NAME}-b`))?.cname, LIVE_CNAME);
    assert.equal(
      await environment(`${BEANSTALK_ENVIRONMENT_NAME}-a`),
      null,
      "the green environment of this deploy is gone",
    );
  });
});
