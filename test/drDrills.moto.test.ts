// A DR drill against moto: the AWS adapter restores the primary into a tagged scratch instance
// (RestoreDBInstanceToPointInTime with Tags) and deletes it (DeleteDBInstance, SkipFinalSnapshot),
// and moto's own listing shows each. moto's transitions are immediate, so ticks run back to back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { DRILL_SCRATCH_TAG, scratchIdentifierOf } from "@fastier/core";
import { createInventoryStore, createOperationStore } from "@fastier/db";
import pino from "pino";
import { createReconciler } from "../apps/worker/src/reconciler.ts";
import { createFastierInMoto, FASTIER } from "../packages/cloud/test/aws/fastierInMoto.ts";
import { motoConfig } from "../packages/cloud/test/aws/motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "../packages/cloud/test/aws/motoServer.ts";
import { createMotoTestApp, type MotoTestApp } from "./helpers/motoTestApp.ts";

const MAX_TICKS = 40;

describe("a DR drill against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let t: MotoTestApp;
  let rds: RDSClient;
  let primaryId: string;

  const inject = (method: "GET" | "POST", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: t.auth("operator"), ...(payload && { payload }) });
  const scratchInMoto = async (identifier: string) =>
    (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances?.find(
      (db) => db.DBInstanceIdentifier === identifier,
    );

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    await createFastierInMoto(moto);
    rds = new RDSClient(motoConfig(moto));
    t = await createMotoTestApp(moto);
    const env = await inject("POST", "/v1/environments", { name: "production", region: "us-east-1" });
    assert.equal(env.statusCode, 201, env.body);
    const sync = await inject("POST", `/v1/environments/${env.json().id}/sync`);
    assert.equal(sync.statusCode, 200, sync.body);
    const primary = await t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: FASTIER.primaryDb } });
    primaryId = primary.id;
  });
  after(async () => {
    await t?.close();
    await moto?.stop();
  });

  it("restores into a tagged scratch instance that moto lists, then deletes it from moto", async () => {
    const accepted = await inject("POST", `/v1/resources/${primaryId}/dr-drill`, {});
    assert.equal(accepted.statusCode, 202, accepted.body);
    const id = accepted.json().id as string;
    const scratch = scratchIdentifierOf(FASTIER.primaryDb, id);
    // The worker's clock runs ahead by each step's recheck interval, so the ticks need not wait on the wall clock.
    let ahead = 0;
    const reconciler = createReconciler({
      operations: createOperationStore(t.db),
      inventory: createInventoryStore(t.db),
      cloud: t.cloud,
      now: () => new Date(Date.now() + ahead),
      log: pino({ level: "silent" }),
      workerId: "moto-worker",
      random: () => 0.5,
    });
    let seenInMoto: Awaited<ReturnType<typeof scratchInMoto>>;
    let status = "pending";
    for (let i = 0; i < MAX_TICKS && ["pending", "running"].includes(status); i += 1) {
      await reconciler.tick();
      seenInMoto ??= await scratchInMoto(scratch);
      const operation = (await inject("GET", `/v1/operations/${id}`)).json();
      status = operation.status;
      ahead += 30_000;
      await sleep(25);
    }
    const done = (await inject("GET", `/v1/operations/${id}`)).json();
    assert.equal(done.status, "succeeded", JSON.stringify(done));
    assert.ok(seenInMoto, "moto listed the scratch instance while the drill ran");
    assert.equal(seenInMoto.Engine, "postgres");
    assert.ok(
      seenInMoto.TagList?.some((tag) => tag.Key === DRILL_SCRATCH_TAG && tag.Value === id),
      JSON.stringify(seenInMoto.TagList),
    );
    assert.equal(await scratchInMoto(scratch), undefined, "moto no longer lists it");
    const [drill] = (await inject("GET", `/v1/resources/${primaryId}/dr-drills`)).json().items;
    assert.equal(drill.outcome, "succeeded");
    assert.equal(drill.checkPassed, true);
    assert.ok(drill.deletedAt);
    // moto's latest restorable time is its own now, not five minutes back: within a second of the request.
    assert.ok(drill.achievedRpoSeconds >= 0 && drill.achievedRpoSeconds <= 1, String(drill.achievedRpoSeconds));
    assert.ok(drill.measuredRtoSeconds >= 0);
  });
});
