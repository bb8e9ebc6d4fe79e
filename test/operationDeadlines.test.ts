import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { ASG_NAME, MAX_LOST_LEASES, OPERATION_DEFINITIONS } from "@fastier/core";
import { createOperationStore } from "@fastier/db";
import { reconcilerFor } from "./helpers/reconcile.ts";
import { syncedApp } from "./helpers/syncedApp.ts";
import type { TestApp } from "./helpers/testApp.ts";

interface OperationJson {
  id: string;
  status: string;
  step: string;
  deadlineAt: string;
  createdAt: string;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> | null;
  events?: { type: string; message: string }[];
}

describe("operation deadlines", () => {
  let t: TestApp;
  let groupId: string;
  before(async () => {
    ({ t, groupId } = await syncedApp());
  });
  after(() => t.close());
  beforeEach(async () => {
    // Each test starts with no active operation holding the group's lock.
    await t.db.prisma.operation.updateMany({
      where: { status: { in: ["PENDING", "RUNNING"] } },
      data: { status: "CANCELLED" },
    });
  });

  const scale = (payload: object) =>
    t.app.inject({ method: "POST", url: `/v1/resources/${groupId}/scale`, headers: t.auth("operator"), payload });
  const getOperation = async (id: string): Promise<OperationJson> =>
    (await t.app.inject({ method: "GET", url: `/v1/operations/${id}`, headers: t.auth("viewer") })).json();

  it("shows the deadline in the plan: the kind's default, or the request's timeoutMinutes", async () => {
    const scaleKind = OPERATION_DEFINITIONS.find((d) => d.kind === "scale");
    const byDefault = (await scale({ desiredCapacity: 3, dryRun: true })).json().plan.deadline;
    assert.equal(byDefault.timeoutMinutes, scaleKind?.defaultTimeoutMinutes);
    assert.equal(byDefault.from, "kind_default");
    assert.equal(Date.parse(byDefault.at) - t.clock.now().getTime(), byDefault.timeoutMinutes * 60_000);
    const asked = (await scale({ desiredCapacity: 3, dryRun: true, timeoutMinutes: 7 })).json().plan.deadline;
    assert.deepEqual(
      { timeoutMinutes: asked.timeoutMinutes, from: asked.from },
      { timeoutMinutes: 7, from: "request" },
    );
  });

  it("refuses a timeoutMinutes outside 1–1440 naming the field, and records nothing", async () => {
    for (const timeoutMinutes of [0, 1441, 2.5]) {
      const response = await scale({ desiredCapacity: 3, timeoutMinutes });
      assert.equal(response.statusCode, 400, `timeoutMinutes ${timeoutMinutes}`);
      assert.equal(response.json().errors[0].field, "/timeoutMinutes");
    }
    assert.equal(await t.db.prisma.operation.count({ where: { status: { in: ["PENDING", "RUNNING"] } } }), 0);
  });

  it("ends a wait that outlasts its deadline timed_out, says what it waited for, and frees the target", async () => {
    const accepted = await scale({ desiredCapacity: 4, timeoutMinutes: 1 });
    assert.equal(accepted.statusCode, 202);
    const id = accepted.json().id as string;
    const reconciler = reconcilerFor(t);
    // act, then waits: new instances need about three simulated minutes to come InService.
    for (let tick = 0; tick < 8; tick += 1) {
      await reconciler.tick();
      t.clock.advance(10_000);
    }
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "timed_out");
    assert.match(
      done.error?.message ?? "",
      /deadline of 1 min .* passed in step wait while waiting: 2 of 4 instances in service/,
    );
    assert.match(done.error?.message ?? "", /may still complete .* check awseb-.* before acting again/);
    assert.deepEqual(done.result?.timedOutInStep, "wait");
    // The lock is free: the next operation on the group is accepted.
    const next = await scale({ desiredCapacity: 4 });
    assert.equal(next.statusCode, 202, JSON.stringify(next.json()));
    await t.db.prisma.operation.update({ where: { id: next.json().id }, data: { status: "CANCELLED" } });
  });

  it("never starts a step after the deadline: a late first step ends timed_out without touching the cloud", async () => {
    const [before] = await t.cloud.autoScaling.describeGroups([ASG_NAME]);
    const accepted = await scale({ desiredCapacity: (before?.desiredCapacity ?? 2) + 1, timeoutMinutes: 1 });
    t.clock.advance(61_000);
    await reconcilerFor(t).tick();
    const done = await getOperation(accepted.json().id);
    const [after] = await t.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(done.error?.code, "timed_out");
    assert.match(done.error?.message ?? "", /nothing had been changed in the cloud/);
    assert.equal(after?.desiredCapacity, before?.desiredCapacity, "the cloud was never asked");
  });

  it("fails an operation whose step keeps losing its worker, after a bounded number of lost leases", async () => {
    const accepted = await scale({ desiredCapacity: 3 });
    const id = accepted.json().id as string;
    const operations = createOperationStore(t.db);
    // Each claim dies unsaved: the lease runs out and the next worker claims it again.
    for (let claim = 0; claim <= MAX_LOST_LEASES; claim += 1) {
      const claimed = await operations.claimDue(
        `doomed-${claim}`,
        t.clock.now(),
        new Date(t.clock.now().getTime() + 1_000),
        10,
      );
      assert.deepEqual(
        claimed.map((operation) => [operation.id, operation.lostLeases]),
        [[id, claim]],
      );
      t.clock.advance(2_000);
    }
    await reconcilerFor(t).tick();
    const done = await getOperation(id);
    assert.equal(done.status, "failed");
    assert.equal(done.error?.code, "worker_lost");
    assert.match(
      done.error?.message ?? "",
      new RegExp(`${MAX_LOST_LEASES + 1} workers stopped while running step act`),
    );
    assert.equal(done.events?.filter((event) => event.type === "retry").length, MAX_LOST_LEASES + 1);
  });
});
