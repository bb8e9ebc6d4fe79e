import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASG_NAME, PRIMARY_DB } from "@fastier/core";
import { MINUTE, openSimWorld } from "./simTestWorld.ts";

const PIPELINE = "fastier-web-pipeline";

async function accountRows(world: Awaited<ReturnType<typeof openSimWorld>>) {
  const { rows } = await world.db.pool.query<{ id: string; version: number }>(
    "SELECT id, version FROM sim_accounts ORDER BY id",
  );
  return rows;
}

describe("simulated account storage", () => {
  it("seeds one world when two processes make their first calls at the same time", async () => {
    const world = await openSimWorld({ pipelineFailureRate: 0 });
    const api = world.cloud;
    const worker = world.open({ pipelineFailureRate: 0 });
    // Each change would be lost if a second seed overwrote the first world.
    await Promise.all([
      api.autoScaling.setDesiredCapacity(ASG_NAME, 3),
      worker.pipelines.startExecution(PIPELINE, { clientRequestToken: "deploy-1" }),
      api.databases.createSnapshot(PRIMARY_DB, "before-release"),
      worker.autoScaling.describeGroups(),
      api.discovery.discover(),
    ]);
    const rows = await accountRows(world);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.id, "fastier");
    const [group] = await worker.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(group?.desiredCapacity, 3);
    assert.equal(group?.instances.length, 3);
    const executions = await api.pipelines.listExecutions(PIPELINE);
    assert.equal(executions[0]?.status, "InProgress");
    assert.equal((await worker.databases.describeSnapshots({ snapshotIdentifier: "before-release" })).length, 1);
  });

  it("shares one world between an API and a worker process, each change seen by the other", async () => {
    const world = await openSimWorld();
    const api = world.cloud;
    const worker = world.open();
    await api.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    const [seenByWorker] = await worker.autoScaling.describeGroups([ASG_NAME]);
    assert.deepEqual(seenByWorker?.instances.map((i) => i.lifecycleState).sort(), [
      "InService",
      "InService",
      "Pending",
      "Pending",
    ]);
    world.clock.advance(4 * MINUTE);
    const [later] = await api.autoScaling.describeGroups([ASG_NAME]);
    assert.ok(later?.instances.every((i) => i.lifecycleState === "InService"));
    const versionBefore = (await accountRows(world))[0]?.version ?? 0;
    await worker.autoScaling.updateLimits(ASG_NAME, { maxSize: 8 });
    assert.equal((await api.autoScaling.describeGroups([ASG_NAME]))[0]?.maxSize, 8);
    assert.ok(((await accountRows(world))[0]?.version ?? 0) > versionBefore, "each write bumps the version");
  });

  it("survives a restart: a new simulator on the same database continues the same world", async () => {
    const world = await openSimWorld();
    await world.cloud.autoScaling.setDesiredCapacity(ASG_NAME, 5);
    const [before] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
    const restarted = world.open();
    const [after] = await restarted.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(after?.desiredCapacity, 5);
    assert.deepEqual(
      after?.instances.map((i) => i.instanceId),
      before?.instances.map((i) => i.instanceId),
    );
    assert.equal((await accountRows(world)).length, 1);
  });

  it("reads a world stored in format 1 (before databases had placement) and stores it in format 7", async () => {
    const world = await openSimWorld();
    await world.cloud.databases.describeInstances();
    // Turn the stored document into what the previous version wrote.
    await world.db.pool.query(
      `UPDATE sim_accounts SET state = jsonb_set(state, '{schema}', '1') #- '{databases,0,storageType}'
         #- '{databases,0,dbSubnetGroupName}' #- '{databases,0,vpcSecurityGroupIds}' #- '{databases,0,dbParameterGroupName}'
         #- '{groups,0,scalingPolicies}' #- '{replicatedBackups}'`,
    );
    const restarted = world.open();
    const [primary] = await restarted.databases.describeInstances([PRIMARY_DB]);
    assert.deepEqual(
      [primary?.storageType, primary?.dbSubnetGroupName, primary?.vpcSecurityGroupIds, primary?.dbParameterGroupName],
      ["gp3", "fastier-db-subnets", ["sg-0fa57db0000000001"], "fastier-postgres16"],
    );
    await restarted.databases.createSnapshot(PRIMARY_DB, "after-upgrade");
    const { rows } = await world.db.pool.query<{ schema: number }>(
      "SELECT (state->>'schema')::int AS schema FROM sim_accounts",
    );
    assert.deepEqual(rows, [{ schema: 7 }], "the first change stores the upgraded world");
  });

  it("reads a world stored in format 2 (before groups kept scaling policies): its groups have none", async () => {
    const world = await openSimWorld();
    await world.cloud.autoScaling.describeGroups();
    await world.db.pool.query(
      `UPDATE sim_accounts SET state = jsonb_set(state, '{schema}', '2') #- '{groups,0,scalingPolicies}' #- '{replicatedBackups}'`,
    );
    const restarted = world.open();
    assert.equal(await restarted.autoScaling.describeMemoryTargetTracking(ASG_NAME), null);
    await restarted.autoScaling.putMemoryTargetTracking(ASG_NAME, { policyName: "mem", targetPercent: 70 });
    assert.deepEqual(await restarted.autoScaling.describeMemoryTargetTracking(ASG_NAME), {
      policyName: "mem",
      targetPercent: 70,
    });
    const { rows } = await world.db.pool.query<{ schema: number }>(
      "SELECT (state->>'schema')::int AS schema FROM sim_accounts",
    );
    assert.deepEqual(rows, [{ schema: 7 }]);
  });

  it("reads a world stored in format 3 (before backups were replicated to other regions): nothing replicates", async () => {
    const world = await openSimWorld();
    const [primary] = await world.cloud.databases.describeInstances([PRIMARY_DB]);
    await world.db.pool.query(
      `UPDATE sim_accounts SET state = jsonb_set(state, '{schema}', '3') #- '{replicatedBackups}'`,
    );
    const restarted = world.open();
    assert.equal(await restarted.backupReplication.describe("us-west-2", primary?.arn ?? ""), null);
    await restarted.backupReplication.start("us-west-2", {
      sourceArn: primary?.arn ?? "",
      retentionDays: 7,
      kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/upgrade",
    });
    assert.equal((await restarted.backupReplication.describe("us-west-2", primary?.arn ?? ""))?.status, "pending");
    const { rows } = await world.db.pool.query<{ schema: number }>(
      "SELECT (state->>'schema')::int AS schema FROM sim_accounts",
    );
    assert.deepEqual(rows, [{ schema: 7 }]);
  });

  it("reads a world stored in format 4 (before instance-type changes): version 1 of each template, Beanstalk Ready", async () => {
    const world = await openSimWorld();
    await world.cloud.autoScaling.describeGroups();
    await world.db.pool.query(
      `UPDATE sim_accounts SET state = jsonb_set(state, '{schema}', '4') #- '{environmentConfig}'
         #- '{groups,0,launchTemplateId}' #- '{groups,0,launchTemplateVersion}' #- '{groups,0,launchTemplateVersions}'
         #- '{groups,0,instanceRefreshes}' #- '{groups,0,replacement}'`,
    );
    const restarted = world.open();
    const template = await restarted.autoScaling.describeLaunchTemplate(ASG_NAME);
    assert.deepEqual([template?.versionNumber, template?.instanceType], [1, "t3.medium"]);
    assert.match(template?.launchTemplateId ?? "", /^lt-0[0-9a-f]{16}$/);
    assert.deepEqual(await restarted.autoScaling.describeInstanceRefreshes(ASG_NAME), []);
    const environment = await restarted.beanstalk.describeEnvironment("e-fastierprod");
    assert.deepEqual([environment.status, environment.instanceTypes], ["Ready", ["t3.medium"]]);
    await restarted.beanstalk.updateInstanceTypes("e-fastierprod", ["t3.large"]);
    assert.equal((await restarted.beanstalk.describeEnvironment("e-fastierprod")).status, "Updating");
    const { rows } = await world.db.pool.query<{ schema: number }>(
      "SELECT (state->>'schema')::int AS schema FROM sim_accounts",
    );
    assert.deepEqual(rows, [{ schema: 7 }]);
  });

  it("reads a world stored in format 5 (before blue/green deploys): the live environment alone on its CNAME", async () => {
    const world = await openSimWorld();
    await world.cloud.autoScaling.describeGroups();
    await world.db.pool.query(`UPDATE sim_accounts SET state = jsonb_set(state, '{schema}', '5') #- '{blueGreen}'`);
    const restarted = world.open();
    const live = await restarted.beanstalk.findEnvironmentByName("fastier-prod");
    assert.deepEqual(
      [live?.status, live?.cname, live?.versionLabel],
      ["Ready", "fastier-prod.us-east-1.elasticbeanstalk.com", "fastier-web-v41"],
    );
    assert.equal(await restarted.beanstalk.findEnvironmentByName("fastier-prod-b"), null);
    await restarted.beanstalk.createConfigurationTemplate({
      applicationName: "fastier-web",
      templateName: "after-upgrade",
      environmentId: "e-fastierprod",
      description: "upgrade",
    });
    assert.equal(await restarted.beanstalk.configurationTemplateExists("fastier-web", "after-upgrade"), true);
    const { rows } = await world.db.pool.query<{ schema: number }>(
      "SELECT (state->>'schema')::int AS schema FROM sim_accounts",
    );
    assert.deepEqual(rows, [{ schema: 7 }]);
  });

  it("reads a world stored in format 6 (before version deploys): the live version after the seeded previous one", async () => {
    const world = await openSimWorld();
    await world.cloud.autoScaling.describeGroups();
    await world.db.pool.query(
      `UPDATE sim_accounts SET state = jsonb_set(jsonb_set(state, '{schema}', '6'), '{blueGreen,liveVersionLabel}', '"fastier-web-v43"')
         #- '{blueGreen,liveHolders}' #- '{blueGreen,versionDeploys}'`,
    );
    const restarted = world.open();
    const history = await restarted.beanstalk.describeVersionHistory("e-fastierprod");
    assert.deepEqual(
      history.map((v) => v.versionLabel),
      ["fastier-web-v43", "fastier-web-v40"],
    );
    assert.equal((await restarted.beanstalk.findEnvironmentByName("fastier-prod"))?.versionLabel, "fastier-web-v43");
    assert.ok(
      await restarted.loadBalancers.findForEnvironment("fastier-prod"),
      "the live environment keeps its balancer",
    );
    await restarted.beanstalk.updateEnvironmentVersion("e-fastierprod", "fastier-web-v42");
    const { rows } = await world.db.pool.query<{ schema: number }>(
      "SELECT (state->>'schema')::int AS schema FROM sim_accounts",
    );
    assert.deepEqual(rows, [{ schema: 7 }]);
  });

  it("keeps separate accounts apart and never moves a world back in time", async () => {
    const world = await openSimWorld();
    const other = world.open({ accountId: "other" });
    await world.cloud.autoScaling.setDesiredCapacity(ASG_NAME, 4);
    assert.equal((await other.autoScaling.describeGroups([ASG_NAME]))[0]?.desiredCapacity, 2);
    assert.deepEqual(
      (await accountRows(world)).map((row) => row.id),
      ["fastier", "other"],
    );

    world.clock.advance(5 * MINUTE);
    await world.cloud.autoScaling.describeGroups();
    // A process whose clock lags behind sees the world as it already is, not as it was.
    world.clock.set(new Date(world.clock.now().getTime() - 10 * MINUTE));
    const [group] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.ok(group?.instances.every((i) => i.lifecycleState === "InService"));
  });

  it("rolls back a refused call without losing the world", async () => {
    const world = await openSimWorld();
    await assert.rejects(world.cloud.autoScaling.setDesiredCapacity(ASG_NAME, 40));
    const [group] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(group?.desiredCapacity, 2);
    const { rows } = await world.db.pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()",
    );
    assert.equal(rows[0]?.n, 0, "no transaction is left open");
  });
});

describe("reads of an unchanged world", () => {
  // Without the shortcut, the read below would wait for the open transaction's row lock and never end.
  it("answer from the committed world without waiting for a writer's row lock", { timeout: 60_000 }, async () => {
    const world = await openSimWorld();
    const [before] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(before?.maxSize, 6);
    const writer = await world.db.pool.connect();
    try {
      await writer.query("BEGIN");
      await writer.query("SELECT id FROM sim_accounts WHERE id = 'fastier' FOR UPDATE");
      await writer.query(
        "UPDATE sim_accounts SET state = jsonb_set(state, '{groups,0,maxSize}', '9'), version = version + 1 WHERE id = 'fastier'",
      );
      const [duringWrite] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
      assert.equal(duringWrite?.maxSize, 6, "the uncommitted change is not seen");
      await writer.query("COMMIT");
    } finally {
      writer.release();
    }
    const [afterCommit] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(afterCommit?.maxSize, 9, "the committed change is seen at once");
  });

  it("still store the world brought up to now when time has passed, once", async () => {
    const world = await openSimWorld();
    await world.cloud.autoScaling.setDesiredCapacity(ASG_NAME, 3);
    const version = async () => (await accountRows(world))[0]?.version ?? 0;
    const before = await version();
    await world.cloud.autoScaling.describeGroups();
    assert.equal(await version(), before, "nothing to bring up to date: nothing written");
    world.clock.advance(5 * MINUTE);
    const [group] = await world.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.ok(group?.instances.every((i) => i.lifecycleState === "InService"));
    assert.equal(await version(), before + 1, "the advanced world is stored by the first read after time passed");
    await world.open().autoScaling.describeGroups();
    assert.equal(await version(), before + 1, "and not again by the next");
  });
});
