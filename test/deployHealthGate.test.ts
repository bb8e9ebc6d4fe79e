import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudError, type CloudPort } from "@fastier/core";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { syncedApp } from "./helpers/syncedApp.ts";
import type { TestApp } from "./helpers/testApp.ts";

describe("deploys behind a health gate, and rollback in one call, through the API (simulator)", () => {
  let t: TestApp;
  let pipelineId: string;

  const post = (path: string, payload?: object) =>
    t.app.inject({
      method: "POST",
      url: `/v1/resources/${pipelineId}/${path}`,
      headers: t.auth("operator"),
      ...(payload !== undefined && { payload }),
    });
  const operation = async (id: string) =>
    (await t.app.inject({ method: "GET", url: `/v1/operations/${id}`, headers: t.auth("viewer") })).json();
  const operationCount = () => t.db.prisma.operation.count();

  before(async () => {
    t = (await syncedApp()).t;
    pipelineId = (await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "PIPELINE" } })).id;
  });
  after(() => t.close());

  it("knows the load balancer and target group behind the pipeline's environment", async () => {
    const balancer = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "LOAD_BALANCER" } });
    const pipeline = await t.db.prisma.resource.findUniqueOrThrow({ where: { id: pipelineId } });
    const environment = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "BEANSTALK_ENVIRONMENT" } });
    assert.equal(balancer.parentId, environment.id);
    assert.equal((pipeline.attributes as Record<string, unknown>).deployEnvironment, environment.name);
    assert.match(String((balancer.attributes as { targetGroups: string[] }).targetGroups[0]), /:targetgroup\//);
  });

  for (const [healthGate, field, rule] of [
    [{ max5xxRatio: 2 }, "/healthGate/max5xxRatio", "maximum"],
    [{ bakeMinutes: -1 }, "/healthGate/bakeMinutes", "minimum"],
    [{ bakeMinutes: 61 }, "/healthGate/bakeMinutes", "maximum"],
    [{ bakeMinutes: 1.5 }, "/healthGate/bakeMinutes", "type"],
    [{ maxLatencyIncreasePercent: 5000 }, "/healthGate/maxLatencyIncreasePercent", "maximum"],
    [{ unknown: 1 }, "/healthGate/unknown", "additionalProperties"],
    [true, "/healthGate", "const"],
  ] as const) {
    it(`refuses healthGate ${JSON.stringify(healthGate)} with a 400 naming ${field}, and records nothing`, async () => {
      const before = await operationCount();
      const answer = await post("deployments", { healthGate });
      assert.equal(answer.statusCode, 400, answer.body);
      const problem = answer.json() as { errors: { field: string; rule: string }[] };
      assert.ok(
        problem.errors.some((e) => e.field === field && e.rule === rule),
        `${field} ${rule} in ${JSON.stringify(problem.errors)}`,
      );
      assert.equal(await operationCount(), before);
    });
  }

  it("rolls a faulty release back by itself: failed with rolled_back, the breach and the rollback in the events", async () => {
    const accepted = await post("deployments", { sourceRevision: "faulty-2f9c1e", reason: "release 43" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.equal(accepted.json().plan.healthGate.enabled, true);
    await reconcileToEnd(t, accepted.json().id);
    const done = await operation(accepted.json().id);
    assert.equal(done.status, "failed");
    assert.equal(done.error.code, "rolled_back");
    const messages: string[] = done.events.map((e: { message: string }) => e.message);
    assert.ok(messages.some((m) => /^health gate baseline on app\//.test(m)));
    assert.ok(messages.some((m) => /^health gate breached during the deploy: 5xx ratio/.test(m)));
    assert.ok(messages.some((m) => /^rolling Deploy back to the last known-good release/.test(m)));
    assert.match(done.error.message, /rollback .* Succeeded/);
    assert.equal(done.result.rollback.status, "Succeeded");
  });

  it("audits a deploy without the gate: the request, its plan and its events say so", async () => {
    const accepted = await post("deployments", { healthGate: false });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const id = accepted.json().id;
    const audit = await t.app.inject({
      method: "GET",
      url: `/v1/audit-events?action=operation.start_deployment&targetId=${pipelineId}`,
      headers: t.auth("viewer"),
    });
    const entry = audit.json().items.find((e: { after: { operationId: string } }) => e.after.operationId === id);
    assert.equal(entry.after.params.healthGate, false);
    assert.equal(entry.after.plan.healthGate.enabled, false);
    await reconcileToEnd(t, id);
    const done = await operation(id);
    assert.equal(done.status, "succeeded");
    assert.ok(done.events.some((e: { message: string }) => /health gate off by request/.test(e.message)));
  });

  it("rolls back in one call, without a body, to the last known-good release the plan names", async () => {
    const executions = await t.cloud.pipelines.listExecutions("fastier-web-pipeline");
    const dry = await post("rollback", { dryRun: true });
    assert.equal(dry.statusCode, 200, dry.body);
    const target = dry.json().plan.changes[0].to;
    const known = executions.find((e) => e.executionId === target.executionId);
    assert.equal(known?.status, "Succeeded");
    assert.equal(target.sourceRevision, known?.sourceRevision);
    const accepted = await post("rollback");
    assert.equal(accepted.statusCode, 202, accepted.body);
    await reconcileToEnd(t, accepted.json().id);
    const done = await operation(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.result.targetExecutionId, target.executionId);
  });

  it("opens a critical finding when the automatic rollback fails, resolved by the next rollback that succeeds", async () => {
    // The cloud refuses the rollback (as CodePipeline does when the stage cannot be rolled back).
    const refusing: CloudPort = {
      ...t.cloud,
      pipelines: {
        ...t.cloud.pipelines,
        rollbackStage: async () => {
          throw new CloudError("invalid_request", "Unable to roll back stage Deploy", {
            service: "codepipeline",
            providerCode: "UnableToRollbackStageException",
          });
        },
      },
    };
    const accepted = await post("deployments", { sourceRevision: "faulty-77" });
    assert.equal(accepted.statusCode, 202, accepted.body);
    await reconcileToEnd(t, accepted.json().id, refusing);
    const done = await operation(accepted.json().id);
    assert.equal(done.error.code, "rollback_failed");
    assert.match(
      done.error.message,
      /^CRITICAL: the health gate found 5xx ratio .* but the automatic rollback failed: .*Unable to roll back stage Deploy/,
    );
    const findings = async (status: string) =>
      (
        await t.app.inject({
          method: "GET",
          url: `/v1/findings?rule=deploy_rollback_failed&status=${status}`,
          headers: t.auth("viewer"),
        })
      ).json().items as { resourceId: string; severity: string; summary: string }[];
    const [open] = await findings("open");
    assert.equal(open?.resourceId, pipelineId);
    assert.equal(open?.severity, "critical");
    assert.match(open?.summary ?? "", /^CRITICAL:/);

    const rollback = await post("rollback");
    assert.equal(rollback.statusCode, 202, rollback.body);
    await reconcileToEnd(t, rollback.json().id);
    assert.equal((await operation(rollback.json().id)).status, "succeeded");
    assert.equal((await findings("open")).length, 0);
    assert.equal((await findings("resolved")).length, 1);
  });
});
