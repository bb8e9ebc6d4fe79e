// Automated backups replicated to a second region, through the API on the simulator: the two operation kinds
// end to end on a controlled clock, their refusals, what discovery and DR readiness show, and the
// recommendation loop (finding → apply → replication → the next sweep resolves it).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PRIMARY_DB, REPLICA_DB, type SweepSettings } from "@fastier/core";
import { createSweepRunner } from "@fastier/runtime";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { applyRecommendation, getOk } from "./helpers/sweeps.ts";
import { type SyncedApp, syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";

const MINUTE = 60_000;
const DESTINATION = "us-west-2";
const KMS_KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

interface ReadinessReplication {
  destinationRegion: string;
  status: string;
  earliestRestorableTime: string | null;
  latestRestorableTime: string | null;
  estimatedRpoSeconds: number | null;
}

describe("replicating automated backups to another region, through the API", () => {
  let app: SyncedApp;
  const ids: Record<string, string> = {};
  const post = (url: string, payload: object, role: "viewer" | "operator" = "operator", headers: object = {}) =>
    app.t.app.inject({ method: "POST", url, headers: { ...app.t.auth(role), ...headers }, payload });
  const get = (url: string) => getOk(app.t, url);
  const startUrl = () => `/v1/resources/${ids[PRIMARY_DB]}/backup-replication`;
  const stopUrl = () => `/v1/resources/${ids[PRIMARY_DB]}/backup-replication/stop`;
  const runToEnd = async (id: string) => {
    await reconcileToEnd(app.t, id);
    return get(`/v1/operations/${id}`);
  };
  const primaryReadiness = async () => {
    const report = await get(`/v1/environments/${app.envId}/dr-readiness`);
    return report.databases.find((d: { identifier: string }) => d.identifier === PRIMARY_DB);
  };
  const sweep = async (settings: Partial<SweepSettings> = {}) => {
    const run = await createSweepRunner({
      database: app.t.db,
      cloud: app.t.cloud,
      now: () => app.t.clock.now(),
      settings,
    }).sweepOnce("schedule");
    assert.equal(run?.status, "succeeded", JSON.stringify(run?.errors));
  };
  const openFinding = async () => {
    const findings = await get(`/v1/findings?resourceId=${ids[PRIMARY_DB]}&status=open`);
    return findings.items.find((f: { ruleId: string }) => f.ruleId === "db_no_backup_replication");
  };

  before(async () => {
    app = await syncedApp();
    for (const resource of await app.t.db.prisma.resource.findMany()) ids[resource.cloudId] = resource.id;
  });
  after(() => app.t.close());

  it("refuses a bad or home region (400), a missing KMS key for an encrypted source (400), and a replica (409)", async () => {
    const badRegion = await post(startUrl(), { destinationRegion: "mars", kmsKeyId: KMS_KEY });
    assert.equal(badRegion.statusCode, 400, badRegion.body);
    assert.deepEqual(
      badRegion.json().errors.map((p: { field: string; rule: string }) => [p.field, p.rule]),
      [["/destinationRegion", "pattern"]],
    );
    const home = await post(startUrl(), { destinationRegion: "us-east-1", kmsKeyId: KMS_KEY });
    assert.equal(home.statusCode, 400, home.body);
    assert.deepEqual(
      home.json().errors.map((p: { field: string; rule: string }) => [p.field, p.rule]),
      [["/destinationRegion", "other_region"]],
    );
    const noKey = await post(startUrl(), { destinationRegion: DESTINATION });
    assert.equal(noKey.statusCode, 400, noKey.body);
    assert.deepEqual(
      noKey.json().errors.map((p: { field: string; rule: string }) => [p.field, p.rule]),
      [["/kmsKeyId", "required_when_encrypted"]],
    );
    const tooLong = await post(startUrl(), { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY, retentionDays: 36 });
    assert.equal(tooLong.statusCode, 400, tooLong.body);
    const replica = await post(`/v1/resources/${ids[REPLICA_DB]}/backup-replication`, {
      destinationRegion: DESTINATION,
      kmsKeyId: KMS_KEY,
    });
    assert.equal(replica.statusCode, 409, replica.body);
    assert.equal(replica.json().code, "read_replica");
    assert.equal(
      (await post(startUrl(), { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY }, "viewer")).statusCode,
      403,
    );
    const operations = await app.t.db.prisma.operation.count();
    assert.equal(operations, 0, "no refused request left an operation behind");
  });

  it("shows the seeded replication to us-west-2 in DR readiness, and stops it", async () => {
    const readiness = await primaryReadiness();
    const [seeded] = readiness.backupReplications as ReadinessReplication[];
    assert.equal(seeded?.destinationRegion, DESTINATION);
    assert.equal(seeded?.status, "replicating");
    assert.equal(
      Date.parse(readiness.latestRestorableTime) - Date.parse(seeded?.latestRestorableTime ?? ""),
      5 * MINUTE,
      "the replica trails the source by a few minutes",
    );
    assert.equal(Date.parse(seeded?.earliestRestorableTime ?? ""), app.t.clock.now().getTime() - 7 * 24 * 60 * MINUTE);
    assert.ok(!readiness.gaps.some((g: { code: string }) => g.code === "no_backup_replication"));

    const dryRun = await post(stopUrl(), { destinationRegion: DESTINATION, dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    assert.deepEqual(dryRun.json().plan.changes, [
      { field: "backupReplications.us-west-2", from: "replicating", to: null },
    ]);
    const accepted = await post(stopUrl(), { destinationRegion: DESTINATION });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const after = await primaryReadiness();
    assert.deepEqual(after.backupReplications, []);
    assert.ok(after.gaps.some((g: { code: string }) => g.code === "no_backup_replication"));
  });

  it("starts replication, follows it from pending to replicating, and shows the replica window", async () => {
    const dryRun = await post(startUrl(), { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY, dryRun: true });
    assert.equal(dryRun.statusCode, 200, dryRun.body);
    assert.match(dryRun.json().plan.summary, /to us-west-2, kept 7 days/);

    const startedAt = app.t.clock.now();
    const headers = { "idempotency-key": "replicate-to-us-west-2" };
    const accepted = await post(startUrl(), { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY }, "operator", headers);
    assert.equal(accepted.statusCode, 202, accepted.body);
    const replayed = await post(startUrl(), { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY }, "operator", headers);
    assert.equal(replayed.json().id, accepted.json().id, "the same key answers the same operation");

    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(
      done.events.some((e: { message: string }) => /are pending/.test(e.message)),
      "waited while the first copy was made",
    );
    assert.equal(done.result.status, "replicating");

    await syncFromCloud(app.t, app.envId);
    const resource = await get(`/v1/resources/${ids[PRIMARY_DB]}`);
    assert.deepEqual(
      resource.attributes.backupReplications.map((r: ReadinessReplication) => [r.destinationRegion, r.status]),
      [[DESTINATION, "replicating"]],
    );

    const readiness = await primaryReadiness();
    const [replication] = readiness.backupReplications as ReadinessReplication[];
    assert.equal(replication?.destinationRegion, DESTINATION);
    assert.equal(replication?.status, "replicating");
    assert.equal(replication?.earliestRestorableTime, startedAt.toISOString(), "the window starts with replication");
    // The source trails the sync by 5 minutes, and its replica trails the source by 5 more.
    const synced = new Date(resource.lastSyncedAt).getTime();
    assert.equal(
      Date.parse(readiness.latestRestorableTime) - Date.parse(replication?.latestRestorableTime ?? ""),
      5 * MINUTE,
    );
    assert.equal(Date.parse(replication?.latestRestorableTime ?? ""), synced - 10 * MINUTE);
    assert.ok((replication?.estimatedRpoSeconds ?? 0) >= 600);
    assert.ok(!readiness.gaps.some((g: { code: string }) => g.code === "no_backup_replication"));

    const again = await post(startUrl(), { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY, dryRun: true });
    assert.deepEqual(again.json().plan.changes, [], "nothing to change while replicating");
  });

  it("stops the replication it started, and readiness shows the gap again", async () => {
    const accepted = await post(stopUrl(), { destinationRegion: DESTINATION });
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.equal(accepted.json().kind, "stop_backup_replication");
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const [source] = await app.t.cloud.databases.describeInstances([PRIMARY_DB]);
    assert.equal(await app.t.cloud.backupReplication.describe(DESTINATION, source?.arn ?? ""), null);

    // No sync in between: the operation's own inventory effect is what readiness reads.
    const readiness = await primaryReadiness();
    assert.deepEqual(readiness.backupReplications, []);
    assert.ok(readiness.gaps.some((g: { code: string }) => g.code === "no_backup_replication"));
    const home = await post(stopUrl(), { destinationRegion: "us-east-1" });
    assert.equal(home.statusCode, 400, home.body);
  });

  it("recommends replication for the production primary only with a KMS key to apply it with", async () => {
    await sweep();
    const finding = await openFinding();
    assert.ok(finding, "db_no_backup_replication is open for the production primary");
    assert.equal(finding.severity, "warning");
    const replicaFindings = await get(`/v1/findings?resourceId=${ids[REPLICA_DB]}&status=open`);
    assert.ok(!replicaFindings.items.some((f: { ruleId: string }) => f.ruleId === "db_no_backup_replication"));
    const recommendations = await get(`/v1/recommendations?findingId=${finding.id}&status=open`);
    const [recommendation] = recommendations.items;
    assert.equal(recommendation?.kind, "replicate_backups");
    assert.deepEqual(recommendation?.proposal, { destinationRegion: DESTINATION });
    assert.equal(recommendation?.apply, null, "an encrypted source needs a configured key");
    assert.match(recommendation?.rationale, /BACKUP_REPLICATION_KMS_KEYS=us-west-2=/);
  });

  it("closes the loop: the recommendation applies through start_backup_replication and the next sweep resolves it", async () => {
    const settings = { backupReplication: { partnerRegions: {}, kmsKeyIds: { [DESTINATION]: KMS_KEY } } };
    app.t.clock.advance(5 * MINUTE);
    await sweep(settings);
    const finding = await openFinding();
    const recommendations = await get(`/v1/recommendations?findingId=${finding.id}&status=open`);
    const [recommendation] = recommendations.items;
    assert.deepEqual(recommendation?.apply, {
      operationKind: "start_backup_replication",
      params: { destinationRegion: DESTINATION, kmsKeyId: KMS_KEY },
    });

    const applied = await applyRecommendation(app.t, recommendation.id);
    assert.equal(applied.statusCode, 202, applied.body);
    const done = await runToEnd(applied.json().operation.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));

    app.t.clock.advance(5 * MINUTE);
    await syncFromCloud(app.t, app.envId);
    await sweep(settings);
    const resolved = await app.t.db.prisma.finding.findUnique({ where: { id: finding.id } });
    assert.equal(resolved?.status, "RESOLVED");
    const closed = await app.t.db.prisma.recommendation.findUnique({ where: { id: recommendation.id } });
    assert.equal(closed?.closeReason, "finding_resolved");
  });
});
