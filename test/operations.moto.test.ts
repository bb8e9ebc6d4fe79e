// Operations end to end against moto: the API (with the AWS adapter as its cloud) plans and
// records them, the reconciler carries them out step by step, and moto's state is checked
// afterwards. moto's transitions are immediate, so ticks run back to back on the wall clock.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  type DBInstance,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import type { CloudPort } from "@fastier/core";
import { createInventoryStore, createOperationStore } from "@fastier/db";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { createReconciler } from "../apps/worker/src/reconciler.ts";
import { createFastierInMoto, FASTIER } from "../packages/cloud/test/aws/fastierInMoto.ts";
import { motoConfig } from "../packages/cloud/test/aws/motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "../packages/cloud/test/aws/motoServer.ts";
import { createMotoTestApp, type MotoTestApp } from "./helpers/motoTestApp.ts";

interface OperationJson {
  id: string;
  status: string;
  step: string;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  plan: { checks: { name: string; passed: boolean; detail: string }[] };
  nextAttemptAt: string;
  events: { type: string; step: string; message: string }[];
}

type Role = "viewer" | "operator" | "admin";

const ACTIVE = ["pending", "running"];
const MAX_TICKS = 40;
const TICK_PAUSE_MS = 25;

describe("operations through the API and the reconciler, against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let t: MotoTestApp;
  let rds: RDSClient;
  let envId: string;
  const ids: Record<string, string> = {};

  const request = (app: FastifyInstance, method: "GET" | "POST", url: string, role: Role, payload?: object) =>
    app.inject({ method, url, headers: t.auth(role), ...(payload && { payload }) });
  const post = (path: string, payload: object, role: Role = "operator") =>
    request(t.app, "POST", `/v1/resources/${path}`, role, payload);
  const resource = async (id: string) => (await request(t.app, "GET", `/v1/resources/${id}`, "viewer")).json();
  const operation = async (id: string): Promise<OperationJson> =>
    (await request(t.app, "GET", `/v1/operations/${id}`, "viewer")).json();
  const dbInstance = async (identifier: string): Promise<DBInstance | undefined> =>
    (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];

  /** Ticks a reconciler on the wall clock, briefly pausing between ticks, until `done` holds. */
  async function tickUntil(
    id: string,
    done: (op: OperationJson) => boolean,
    cloud: CloudPort = t.cloud,
    now: () => Date = () => new Date(),
  ) {
    const reconciler = createReconciler({
      operations: createOperationStore(t.db),
      inventory: createInventoryStore(t.db),
      cloud,
      now,
      log: pino({ level: "silent" }),
      workerId: "moto-worker",
      random: () => 0.5,
    });
    for (let i = 0; i < MAX_TICKS; i += 1) {
      await reconciler.tick();
      const op = await operation(id);
      if (done(op)) return op;
      await sleep(TICK_PAUSE_MS);
    }
    throw new Error(`operation ${id} did not get there in ${MAX_TICKS} ticks: ${JSON.stringify(await operation(id))}`);
  }
  const runToEnd = (id: string, cloud?: CloudPort) => tickUntil(id, (op) => !ACTIVE.includes(op.status), cloud);

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    await createFastierInMoto(moto);
    rds = new RDSClient(motoConfig(moto));
    t = await createMotoTestApp(moto);
  });
  after(async () => {
    await t?.close();
    await moto?.stop();
  });

  it("creates the production environment and syncs it from moto", async () => {
    const created = await request(t.app, "POST", "/v1/environments", "operator", {
      name: "production",
      region: "us-east-1",
    });
    assert.equal(created.statusCode, 201, created.body);
    envId = created.json().id;

    const sync = await request(t.app, "POST", `/v1/environments/${envId}/sync`, "operator");
    assert.equal(sync.statusCode, 200, sync.body);
    assert.equal(sync.json().status, "succeeded", sync.body);
    // moto 5.2.1 answers ListPipelines in a shape the SDK cannot read (see discovery.moto.test.ts).
    assert.deepEqual(
      sync.json().failures.map((f: { kind: string }) => f.kind),
      ["pipeline"],
    );

    const list = await request(t.app, "GET", `/v1/resources?environmentId=${envId}&limit=200`, "viewer");
    for (const item of list.json().items) ids[item.cloudId] = item.id;
    const group = await resource(ids[FASTIER.group] ?? "");
    assert.deepEqual(group.capacity, { minSize: 2, maxSize: 6, desiredCapacity: 2 });
    assert.equal((await resource(ids[FASTIER.primaryDb] ?? "")).database.role, "primary");
    assert.equal((await resource(ids[FASTIER.replicaDb] ?? "")).database.role, "replica");
  });

  it("scales the group from 2 to 3 instances: moto runs 3 in service, and the inventory says so", async () => {
    const accepted = await post(`${ids[FASTIER.group]}/scale`, { desiredCapacity: 3 });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.deepEqual(done.result, { minSize: 2, maxSize: 6, desiredCapacity: 3 });

    const autoScaling = new AutoScalingClient(motoConfig(moto));
    const described = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [FASTIER.group] }),
    );
    const group = described.AutoScalingGroups?.[0];
    assert.equal(group?.DesiredCapacity, 3);
    assert.deepEqual(
      group?.Instances?.map((i) => i.LifecycleState),
      ["InService", "InService", "InService"],
    );
    for (const instance of group?.Instances ?? []) {
      assert.ok(["us-east-1a", "us-east-1b"].includes(instance.AvailabilityZone ?? ""), instance.AvailabilityZone);
    }
    assert.deepEqual((await resource(ids[FASTIER.group] ?? "")).capacity, {
      minSize: 2,
      maxSize: 6,
      desiredCapacity: 3,
    });
  });

  it("takes a snapshot of the primary, and the API lists it as available", async () => {
    const accepted = await post(`${ids[FASTIER.primaryDb]}/snapshots`, {
      snapshotIdentifier: "fastier-db-pre-release",
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.result?.snapshotIdentifier, "fastier-db-pre-release");

    const list = await request(t.app, "GET", `/v1/resources/${ids[FASTIER.primaryDb]}/snapshots`, "viewer");
    assert.equal(list.statusCode, 200, list.body);
    const snapshot = list.json().items.find((s: { identifier: string }) => s.identifier === "fastier-db-pre-release");
    assert.deepEqual(
      [snapshot?.dbInstanceIdentifier, snapshot?.status, snapshot?.type],
      [FASTIER.primaryDb, "available", "manual"],
    );
  });

  it("promotes the replica in moto but waits to verify it: moto keeps reporting the source", async () => {
    const accepted = await post(`${ids[FASTIER.replicaDb]}/promote`, { confirm: FASTIER.replicaDb }, "admin");
    assert.equal(accepted.statusCode, 202, accepted.body);
    // moto publishes no ReplicaLag metric, so the lag is unknown (reported, not a refusal).
    const lag = accepted.json().plan.checks.find((c: { name: string }) => c.name === "replica lag");
    assert.deepEqual([lag?.passed, /^no lag data/.test(lag?.detail)], [false, true]);

    // moto 5.2.1's PromoteReadReplica only flips an internal flag: DescribeDBInstances keeps the
    // replica's ReadReplicaSourceDBInstanceIdentifier and the primary's replica list. RDS clears
    // both once the promotion is done, which is what the operation waits for before it verifies;
    // against moto it asks once, then waits (re-checking every 30 s) and never claims success.
    const waiting = await tickUntil(
      accepted.json().id,
      (op) =>
        !ACTIVE.includes(op.status) || op.events.some((e) => e.step === "wait" && /still replicating/.test(e.message)),
    );
    assert.deepEqual([waiting.status, waiting.step], ["running", "wait"]);
    const messages = waiting.events.map((e) => e.message);
    assert.ok(
      messages.includes(`asked to promote ${FASTIER.replicaDb}, replica of ${FASTIER.primaryDb}`),
      messages.join("\n"),
    );
    assert.ok(
      messages.includes(`${FASTIER.replicaDb} is available, still replicating ${FASTIER.primaryDb}`),
      messages.join("\n"),
    );
    assert.ok(Date.parse(waiting.nextAttemptAt) - Date.now() > 20_000, "the next check is about 30 s away");

    const replica = await dbInstance(FASTIER.replicaDb);
    assert.deepEqual(
      [replica?.DBInstanceStatus, replica?.ReadReplicaSourceDBInstanceIdentifier],
      ["available", FASTIER.primaryDb],
    );
    assert.deepEqual((await dbInstance(FASTIER.primaryDb))?.ReadReplicaDBInstanceIdentifiers, [FASTIER.replicaDb]);
    const inventory = (await resource(ids[FASTIER.replicaDb] ?? "")).database;
    assert.deepEqual([inventory.role, inventory.sourceDbIdentifier], ["replica", FASTIER.primaryDb]);

    // Its deadline ends it (promote: 60 min by default; a worker clock an hour ahead stands in for the
    // wait): the last look still sees the source, so it fails timed_out, says so, and (no longer active) frees the replica's lock.
    const anHourLater = () => new Date(Date.now() + 61 * 60_000);
    const ended = await tickUntil(accepted.json().id, (op) => !ACTIVE.includes(op.status), t.cloud, anHourLater);
    assert.deepEqual([ended.status, ended.error?.code], ["failed", "timed_out"]);
    assert.match(ended.error?.message ?? "", /while waiting: .*still replicating/);
    assert.match(ended.error?.message ?? "", /may still complete .* before acting again/);
  });

  it("restores to the latest restorable time into a new instance", async () => {
    // moto reports no RestoreWindow for the automated backup, so the earliest restorable time is
    // unknown: the latest is enough for useLatestRestorableTime. (moto also reports the restored
    // instance as replicating its source, which RDS does not; the inventory records it as
    // standalone, as RDS would have it.)
    const backups = await rds.send(
      new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: FASTIER.primaryDb }),
    );
    assert.equal(backups.DBInstanceAutomatedBackups?.[0]?.RestoreWindow, undefined);
    const accepted = await post(
      `${ids[FASTIER.primaryDb]}/restore`,
      { targetIdentifier: "fastier-db-restored", useLatestRestorableTime: true },
      "admin",
    );
    assert.equal(accepted.statusCode, 202, accepted.body);
    const done = await runToEnd(accepted.json().id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));

    const restored = await dbInstance("fastier-db-restored");
    assert.deepEqual(
      [restored?.DBInstanceStatus, restored?.Engine, restored?.DBInstanceClass, restored?.MultiAZ],
      ["available", "postgres", "db.t3.medium", false],
    );
    const list = await request(
      t.app,
      "GET",
      `/v1/resources?environmentId=${envId}&kind=db_instance&namePrefix=fastier-db-restored`,
      "viewer",
    );
    const [recorded, ...others] = list.json().items;
    assert.equal(others.length, 0);
    assert.deepEqual(
      [recorded?.cloudId, recorded?.status, recorded?.database.role, recorded?.database.engine],
      ["fastier-db-restored", "active", "standalone", "postgres"],
    );
  });

  it("restores a Multi-AZ primary as Multi-AZ by default, and converges moto's Multi-AZ copy when asked for Single-AZ", async () => {
    await rds.send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: FASTIER.primaryDb, MultiAZ: true, ApplyImmediately: true }),
    );
    const byDefault = await post(
      `${ids[FASTIER.primaryDb]}/restore`,
      { targetIdentifier: "fastier-db-multi-az", useLatestRestorableTime: true },
      "admin",
    );
    assert.equal(byDefault.statusCode, 202, byDefault.body);
    assert.deepEqual(byDefault.json().plan.settings.multiAz, { value: true, from: "source" });
    const copied = await runToEnd(byDefault.json().id);
    assert.equal(copied.status, "succeeded", JSON.stringify(copied.error));
    assert.equal((await dbInstance("fastier-db-multi-az"))?.MultiAZ, true);
    assert.deepEqual(copied.result?.warnings, []);

    // moto ignores MultiAZ=false on a restore and copies the source's: the verify step modifies it.
    const single = await post(
      `${ids[FASTIER.primaryDb]}/restore`,
      { targetIdentifier: "fastier-db-single-az", useLatestRestorableTime: true, multiAz: false },
      "admin",
    );
    assert.equal(single.statusCode, 202, single.body);
    const converged = await runToEnd(single.json().id);
    assert.equal(converged.status, "succeeded", JSON.stringify(converged.error));
    assert.equal((await dbInstance("fastier-db-single-az"))?.MultiAZ, false);
    assert.deepEqual(converged.result?.converged, ["multiAz"]);
    assert.ok(
      converged.events.some((e) => e.step === "verify" && /multiAz is true, not false as requested/.test(e.message)),
      JSON.stringify(converged.events.map((e) => e.message)),
    );
  });

  it("makes an instance Multi-AZ and sets backup retention, seen in moto's instances and the inventory", async () => {
    const listed = await request(
      t.app,
      "GET",
      "/v1/resources?kind=db_instance&namePrefix=fastier-db-single-az",
      "viewer",
    );
    const copyId = listed.json().items[0]?.id as string;
    assert.ok(copyId, listed.body);
    const multiAz = await post(`${copyId}/multi-az`, {});
    assert.equal(multiAz.statusCode, 202, multiAz.body);
    assert.deepEqual(multiAz.json().plan.changes, [{ field: "multiAz", from: false, to: true }]);
    const madeMultiAz = await runToEnd(multiAz.json().id);
    assert.equal(madeMultiAz.status, "succeeded", JSON.stringify(madeMultiAz.error));
    assert.equal((await dbInstance("fastier-db-single-az"))?.MultiAZ, true);
    assert.equal((await resource(copyId)).database.multiAz, true);

    const retention = await post(`${ids[FASTIER.primaryDb]}/backup-retention`, { days: 21 });
    assert.equal(retention.statusCode, 202, retention.body);
    const retained = await runToEnd(retention.json().id);
    assert.equal(retained.status, "succeeded", JSON.stringify(retained.error));
    assert.equal((await dbInstance(FASTIER.primaryDb))?.BackupRetentionPeriod, 21);
    assert.equal((await resource(ids[FASTIER.primaryDb] ?? "")).database.backupRetentionDays, 21);
  });
});
