// Multi-AZ and backup retention as operations, through the API on the simulator, and the DR loop they
// close: a DR-gap finding → its recommendation applied → the operation succeeds → the next sweep resolves it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MIN_BACKUP_RETENTION_DAYS, PRIMARY_DB, REPLICA_DB } from "@fastier/core";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { sweepNow } from "./helpers/sweeps.ts";
import { type SyncedApp, syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

const MINUTE = 60_000;

describe("database fixes as operations, and the DR recommendations they apply", () => {
  let app: SyncedApp;
  const ids: Record<string, string> = {};
  const post = (url: string, payload: object, role: "viewer" | "operator" = "operator") =>
    app.t.app.inject({ method: "POST", url, headers: app.t.auth(role), payload });
  const get = async (url: string) => {
    const response = await app.t.app.inject({ method: "GET", url, headers: app.t.auth("viewer") });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const runToEnd = async (id: string) => {
    await reconcileToEnd(app.t, id);
    return get(`/v1/operations/${id}`);
  };
  const sweep = () => sweepNow(app.t);
  const openGap = async (ruleId: string) => {
    const findings = await get(`/v1/findings?resourceId=${ids[PRIMARY_DB]}&status=open`);
    return findings.items.find((f: { ruleId: string }) => f.ruleId === ruleId);
  };

  before(async () => {
    app = await syncedApp();
    for (const resource of await app.t.db.prisma.resource.findMany()) ids[resource.cloudId] = resource.id;
  });
  after(() => app.t.close());

  it("makes the replica Multi-AZ over simulated minutes, plans the impact first, and records it", async () => {
    const url = `/v1/resources/${ids[REPLICA_DB]}/multi-az`;
    const dryRun = await post(url, { dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    const plan = dryRun.json().plan;
    assert.deepEqual(plan.changes, [{ field: "multiAz", from: false, to: true }]);
    assert.match(JSON.stringify(plan.checks), /latency rise/);
    assert.match(JSON.stringify(plan.checks), /twice as much/);
    assert.equal((await post(url, {}, "viewer")).statusCode, 403);

    const accepted = await post(url, {});
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(
      done.events.some((e: { message: string }) => /modifying/.test(e.message)),
      "waited while the standby was created",
    );
    const [replica] = await app.t.cloud.databases.describeInstances([REPLICA_DB]);
    assert.equal(replica?.multiAz, true);
    const resource = await get(`/v1/resources/${ids[REPLICA_DB]}`);
    assert.equal(resource.database.multiAz, true);

    const again = await post(url, { dryRun: true });
    assert.deepEqual(again.json().plan.changes, [], "nothing to change once Multi-AZ");
  });

  it("refuses retention 0 on a source of read replicas, and a value RDS does not allow", async () => {
    const url = `/v1/resources/${ids[PRIMARY_DB]}/backup-retention`;
    const zero = await post(url, { days: 0, dryRun: true });
    assert.equal(zero.statusCode, 409, zero.body);
    assert.equal(zero.json().code, "replicas_need_backups");
    assert.equal((await post(url, { days: 36 })).statusCode, 400);
    assert.equal((await post(url, { days: 7, extra: true })).statusCode, 400);
  });

  it("closes the loop for a short backup retention: finding → apply → operation → resolved", async () => {
    await app.t.cloud.databases.modifyInstance(PRIMARY_DB, { backupRetentionDays: 1 });
    await syncFromCloud(app.t, app.envId);
    await sweep();
    const gap = await openGap("db_backup_retention_short");
    assert.ok(gap, "db_backup_retention_short is open");
    const recommendations = await get(`/v1/recommendations?findingId=${gap.id}&status=open`);
    const raise = recommendations.items.find((r: { kind: string }) => r.kind === "raise_backup_retention");
    assert.ok(raise, JSON.stringify(recommendations.items));

    const applied = await post(`/v1/recommendations/${raise.id}/apply`, {});
    assert.equal(applied.statusCode, 202, applied.body);
    const operation = applied.json().operation;
    assert.equal(operation.kind, "set_backup_retention");
    assert.deepEqual(operation.params, { days: MIN_BACKUP_RETENTION_DAYS });
    const done = await runToEnd(operation.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const [instance] = await app.t.cloud.databases.describeInstances([PRIMARY_DB]);
    assert.equal(instance?.backupRetentionDays, MIN_BACKUP_RETENTION_DAYS);

    // No sync in between: the operation's inventory effect is what the next sweep sees.
    app.t.clock.advance(5 * MINUTE);
    await sweep();
    const resolved = await app.t.db.prisma.finding.findUnique({ where: { id: gap.id } });
    assert.equal(resolved?.status, "RESOLVED");
    const closed = await app.t.db.prisma.recommendation.findUnique({ where: { id: raise.id } });
    assert.equal(closed?.closeReason, "finding_resolved");
  });

  it("closes the loop for a Single-AZ primary through enable_multi_az", async () => {
    await app.t.cloud.databases.modifyInstance(PRIMARY_DB, { multiAz: false });
    app.t.clock.advance(30 * MINUTE);
    await syncFromCloud(app.t, app.envId);
    await sweep();
    const gap = await openGap("db_no_multi_az");
    assert.ok(gap, "db_no_multi_az is open");
    const recommendations = await get(`/v1/recommendations?findingId=${gap.id}&status=open`);
    const enable = recommendations.items.find((r: { kind: string }) => r.kind === "enable_multi_az");
    assert.ok(enable);

    const applied = await post(`/v1/recommendations/${enable.id}/apply`, {});
    assert.equal(applied.statusCode, 202, applied.body);
    assert.equal(applied.json().operation.kind, "enable_multi_az");
    const done = await runToEnd(applied.json().operation.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));

    app.t.clock.advance(5 * MINUTE);
    await sweep();
    const resolved = await app.t.db.prisma.finding.findUnique({ where: { id: gap.id } });
    assert.equal(resolved?.status, "RESOLVED");
    const closed = await app.t.db.prisma.recommendation.findUnique({ where: { id: enable.id } });
    assert.equal(closed?.closeReason, "finding_resolved");
  });
});
