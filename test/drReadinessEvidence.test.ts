// DR readiness from evidence: the last drill's measured RTO and RPO beside the estimates, and the
// environment's recovery objectives judged by it (met, not met, no evidence).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PRIMARY_DB } from "@fastier/core";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { getOk } from "./helpers/sweeps.ts";
import { type SyncedApp, syncedApp } from "./helpers/syncedApp.ts";

const DAY_MS = 86_400_000;

describe("DR readiness from drill evidence", () => {
  let app: SyncedApp;
  let primaryId: string;
  const setObjectives = (payload: object, role: "operator" | "admin" = "admin") =>
    app.t.app.inject({
      method: "PUT",
      url: `/v1/environments/${app.envId}/dr-objectives`,
      headers: app.t.auth(role),
      payload,
    });
  const primaryReport = async () => {
    const report = await getOk(app.t, `/v1/environments/${app.envId}/dr-readiness`);
    const database = report.databases.find((db: { identifier: string }) => db.identifier === PRIMARY_DB);
    assert.ok(database, JSON.stringify(report));
    return { report, database };
  };
  const gapCodes = (database: { gaps: { code: string }[] }) => database.gaps.map((gap) => gap.code);

  before(async () => {
    app = await syncedApp();
    primaryId = (await app.t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: PRIMARY_DB } })).id;
  });
  after(() => app.t.close());

  it("says there is no evidence before any drill, and no objective until one is set", async () => {
    const { report, database } = await primaryReport();
    assert.deepEqual(report.objectives, { rtoMinutes: null, rpoMinutes: null });
    assert.equal(database.evidence.lastDrill, null);
    assert.deepEqual(
      { rto: database.evidence.objectives.rto, rpo: database.evidence.objectives.rpo },
      { rto: "no_objective", rpo: "no_objective" },
    );
    assert.ok(gapCodes(database).includes("no_recent_drill"));
    assert.ok(database.estimatedRto.restorePointInTime, "the estimates are still there");
  });

  it("refuses objectives out of bounds or from a non-admin, naming the field, and keeps the old ones", async () => {
    for (const [payload, field] of [
      [{ rtoMinutes: 0, rpoMinutes: 5 }, "/rtoMinutes"],
      [{ rtoMinutes: 60, rpoMinutes: 10_081 }, "/rpoMinutes"],
      [{ rtoMinutes: 60 }, "/rpoMinutes"],
    ] as const) {
      const refused = await setObjectives(payload);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().errors[0].field, field);
    }
    assert.equal((await setObjectives({ rtoMinutes: 60, rpoMinutes: 10 }, "operator")).statusCode, 403);
    assert.deepEqual(await getOk(app.t, `/v1/environments/${app.envId}/dr-objectives`), {
      rtoMinutes: null,
      rpoMinutes: null,
    });
  });

  it("shows the drill's measured numbers beside the estimates and judges the objectives by them", async () => {
    const set = await setObjectives({ rtoMinutes: 60, rpoMinutes: 10 });
    assert.equal(set.statusCode, 200, set.body);
    const accepted = await app.t.app.inject({
      method: "POST",
      url: `/v1/resources/${primaryId}/dr-drill`,
      headers: app.t.auth("operator"),
      payload: {},
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    await reconcileToEnd(app.t, accepted.json().id);
    const [drill] = (await getOk(app.t, `/v1/resources/${primaryId}/dr-drills`)).items;
    assert.equal(drill.outcome, "succeeded");

    const { database } = await primaryReport();
    assert.equal(database.evidence.lastDrill.operationId, accepted.json().id);
    assert.equal(database.evidence.lastDrill.measuredRtoSeconds, drill.measuredRtoSeconds);
    assert.equal(database.evidence.lastDrill.achievedRpoSeconds, drill.achievedRpoSeconds);
    assert.equal(database.evidence.lastSuccessfulDrill.operationId, accepted.json().id);
    assert.deepEqual(
      { rto: database.evidence.objectives.rto, rpo: database.evidence.objectives.rpo },
      { rto: "met", rpo: "met" },
    );
    assert.ok(!gapCodes(database).includes("no_recent_drill"));
    assert.ok(!database.identifier.includes("-drill-"));

    // The drill took over 15 minutes (the simulator's restore alone takes more than 20).
    assert.ok(drill.measuredRtoSeconds > 15 * 60);
    assert.equal((await setObjectives({ rtoMinutes: 15, rpoMinutes: 10 })).statusCode, 200);
    const missed = (await primaryReport()).database;
    assert.equal(missed.evidence.objectives.rto, "not_met");
    assert.equal(missed.evidence.objectives.rpo, "met");
    const gap = missed.gaps.find((g: { code: string }) => g.code === "drill_rto_over_objective");
    assert.match(gap?.message ?? "", new RegExp(`took ${drill.measuredRtoSeconds} s .* RTO objective of 15 min`));
    assert.notEqual(missed.status, "ready");
  });

  it("has no evidence again once the last successful drill is older than the period", async () => {
    app.t.clock.advance(31 * DAY_MS);
    const { database } = await primaryReport();
    assert.equal(database.evidence.lastSuccessfulDrill, null);
    assert.ok(database.evidence.lastDrill, "the last drill is still shown");
    assert.equal(database.evidence.objectives.rto, "no_evidence");
    assert.ok(gapCodes(database).includes("no_recent_drill"));
  });
});
