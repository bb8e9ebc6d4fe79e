import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { ASG_NAME } from "@fastier/core";
import { createPrismaApiKeyStore } from "@fastier/db";
import { reconcilerFor } from "./helpers/reconcile.ts";
import { syncedApp } from "./helpers/syncedApp.ts";
import { createKey, type TestApp } from "./helpers/testApp.ts";

interface OperationJson {
  id: string;
  status: string;
  approvalExpiresAt: string | null;
  decision: { decision: string; byName: string; reason: string | null } | null;
  events?: { type: string; message: string }[];
}

describe("approvals: the two-person rule", () => {
  let t: TestApp;
  let groupId: string;
  let envId: string;
  /** A second operator: the first one requests, this one decides. */
  let otherOperator: { authorization: string };
  before(async () => {
    ({ t, groupId, envId } = await syncedApp());
    const { key } = await createKey(createPrismaApiKeyStore(t.db.prisma), "operator", "second-operator");
    otherOperator = { authorization: `Bearer ${key}` };
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.db.prisma.operation.updateMany({
      where: { status: { in: ["AWAITING_APPROVAL", "PENDING", "RUNNING"] } },
      data: { status: "CANCELLED" },
    });
    const policy = await t.app.inject({
      method: "PUT",
      url: `/v1/environments/${envId}/approval-policy`,
      headers: t.auth("admin"),
      payload: { kinds: ["scale"], expiresAfterMinutes: 30 },
    });
    assert.equal(policy.statusCode, 200, policy.body);
  });

  const scale = (payload: object) =>
    t.app.inject({ method: "POST", url: `/v1/resources/${groupId}/scale`, headers: t.auth("operator"), payload });
  const decide = (id: string, verb: "approve" | "reject", headers: Record<string, string>, payload: object = {}) =>
    t.app.inject({ method: "POST", url: `/v1/operations/${id}/${verb}`, headers, payload });
  const getOperation = async (id: string): Promise<OperationJson> =>
    (await t.app.inject({ method: "GET", url: `/v1/operations/${id}`, headers: t.auth("viewer") })).json();
  const desiredCapacity = async () => (await t.cloud.autoScaling.describeGroups([ASG_NAME]))[0]?.desiredCapacity;

  it("keeps the policy per environment: viewers read it, only admins set it, bad kinds are refused", async () => {
    const read = await t.app.inject({
      method: "GET",
      url: `/v1/environments/${envId}/approval-policy`,
      headers: t.auth("viewer"),
    });
    assert.deepEqual(read.json(), { kinds: ["scale"], expiresAfterMinutes: 30 });
    const byOperator = await t.app.inject({
      method: "PUT",
      url: `/v1/environments/${envId}/approval-policy`,
      headers: t.auth("operator"),
      payload: { kinds: [], expiresAfterMinutes: 30 },
    });
    assert.equal(byOperator.statusCode, 403);
    const unknownKind = await t.app.inject({
      method: "PUT",
      url: `/v1/environments/${envId}/approval-policy`,
      headers: t.auth("admin"),
      payload: { kinds: ["reboot_everything"], expiresAfterMinutes: 30 },
    });
    assert.equal(unknownKind.statusCode, 400);
    assert.equal(unknownKind.json().errors[0].field, "/kinds/0");
  });

  it("says in a dry run that approval will be needed, and records nothing", async () => {
    const dry = await scale({ desiredCapacity: 3, dryRun: true });
    assert.deepEqual(dry.json().plan.approval, { required: true, approverRole: "operator", expiresAfterMinutes: 30 });
  });

  it("waits for approval holding the lock; the reconciler never advances it; the requester cannot approve", async () => {
    const accepted = await scale({ desiredCapacity: 3 });
    assert.equal(accepted.statusCode, 202);
    assert.equal(accepted.json().status, "awaiting_approval");
    const id = accepted.json().id as string;
    await reconcilerFor(t).tick();
    assert.equal((await getOperation(id)).status, "awaiting_approval");
    assert.equal(await desiredCapacity(), 2, "nothing happens in the cloud before approval");
    const second = await scale({ desiredCapacity: 4 });
    assert.equal(second.statusCode, 409, "the target stays locked while it waits");

    const bySelf = await decide(id, "approve", t.auth("operator"));
    assert.equal(bySelf.statusCode, 403);
    assert.equal(bySelf.json().code, "self_approval");
    const byViewer = await decide(id, "approve", t.auth("viewer"));
    assert.equal(byViewer.statusCode, 403);

    const approved = await decide(id, "approve", otherOperator, { reason: "peak tonight" });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().status, "pending");
    for (let tick = 0; tick < 30 && (await getOperation(id)).status !== "succeeded"; tick += 1) {
      await reconcilerFor(t).tick();
      t.clock.advance(30_000);
    }
    const done = await getOperation(id);
    assert.equal(done.status, "succeeded");
    assert.deepEqual(
      { decision: done.decision?.decision, byName: done.decision?.byName, reason: done.decision?.reason },
      { decision: "approved", byName: "second-operator", reason: "peak tonight" },
    );
    assert.deepEqual(
      done.events?.slice(0, 3).map((event) => event.type),
      ["created", "approval_requested", "approved"],
    );
    const audit = await t.app.inject({
      method: "GET",
      url: `/v1/audit-events?action=operation.approve&targetId=${id}`,
      headers: t.auth("viewer"),
    });
    assert.equal(audit.json().items.length, 1);
  });

  it("rejects with a reason: the operation ends without any cloud call and frees the target", async () => {
    const before = await desiredCapacity();
    const id = (await scale({ desiredCapacity: (before ?? 2) + 1 })).json().id as string;
    const noReason = await decide(id, "reject", otherOperator);
    assert.equal(noReason.statusCode, 400);
    const rejected = await decide(id, "reject", otherOperator, { reason: "not during the sale" });
    assert.equal(rejected.statusCode, 200);
    assert.equal(rejected.json().status, "rejected");
    await reconcilerFor(t).tick();
    assert.equal(await desiredCapacity(), before);
    assert.equal((await scale({ desiredCapacity: 3, dryRun: true })).statusCode, 200);
    assert.equal((await scale({ desiredCapacity: 3 })).statusCode, 202, "the lock is free again");
  });

  it("expires a request nobody decided on in time", async () => {
    const id = (await scale({ desiredCapacity: 3 })).json().id as string;
    t.clock.advance(31 * 60_000);
    await reconcilerFor(t).tick();
    const expired = await getOperation(id);
    assert.equal(expired.status, "expired");
    assert.match(expired.events?.at(-1)?.message ?? "", /nobody approved it by .*nothing was done in the cloud/);
    const late = await decide(id, "approve", otherOperator);
    assert.equal(late.statusCode, 409);
  });

  it("lets exactly one of two racing approvers decide", async () => {
    const id = (await scale({ desiredCapacity: 3 })).json().id as string;
    const answers = await Promise.all([
      decide(id, "approve", otherOperator),
      decide(id, "reject", t.auth("admin"), { reason: "no" }),
    ]);
    const statuses = answers.map((answer) => answer.statusCode).sort();
    assert.deepEqual(statuses, [200, 409]);
    const loser = answers.find((answer) => answer.statusCode === 409);
    assert.equal(loser?.json().code, "not_awaiting_approval");
    const decided = await getOperation(id);
    assert.equal(decided.events?.filter((e) => e.type === "approved" || e.type === "rejected").length, 1);
  });
});
