import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { CloudPort, DiscoveredResource, DiscoveryResult } from "@fastier/core";
import { createFastierInMoto, FASTIER, type FastierFixture } from "./fastierInMoto.ts";
import { motoCloud, motoConfig } from "./motoClients.ts";
import { type MotoServer, motoSkip, startMotoServer } from "./motoServer.ts";

const ofKind = (result: DiscoveryResult, kind: DiscoveredResource["kind"]) =>
  result.resources.filter((r) => r.kind === kind);

function only(result: DiscoveryResult, kind: DiscoveredResource["kind"], cloudId: string): DiscoveredResource {
  const matches = result.resources.filter((r) => r.kind === kind && r.cloudId === cloudId);
  assert.equal(matches.length, 1, `exactly one ${kind} ${cloudId}`);
  return matches[0] as DiscoveredResource;
}

describe("AWS adapter: discovery against moto", { skip: motoSkip }, () => {
  let moto: MotoServer;
  let cloud: CloudPort;
  let fixture: FastierFixture;
  let result: DiscoveryResult;

  before(async () => {
    moto = await startMotoServer();
    await moto.reset();
    fixture = await createFastierInMoto(moto);
    cloud = motoCloud(moto);
    result = await cloud.discovery.discover();
  });
  after(() => moto?.stop());

  it("lists every kind moto can serve and reports the pipeline kind, which it cannot, as a failure", () => {
    // moto 5.2.1 answers ListPipelines with ISO date strings where the JSON protocol has epoch
    // numbers, so the SDK cannot read the answer. The mock tests cover pipeline discovery.
    assert.deepEqual(
      result.failures.map((f) => f.kind),
      ["pipeline"],
    );
    assert.match(result.failures[0]?.error ?? "", /^codepipeline ListPipelines failed: /);
    const kinds = new Set(result.resources.map((r) => r.kind));
    assert.deepEqual([...kinds].sort(), [
      "auto_scaling_group",
      "beanstalk_environment",
      "db_instance",
      "dns_record",
      "instance",
      "load_balancer",
      "s3_bucket",
    ]);
  });

  it("finds the Auto Scaling group with capacity, instance type and its Beanstalk environment", () => {
    const group = only(result, "auto_scaling_group", FASTIER.group);
    assert.equal(group.name, FASTIER.group);
    assert.equal(group.region, "us-east-1");
    assert.deepEqual(group.capacity, { minSize: 2, maxSize: 6, desiredCapacity: 2 });
    assert.equal(group.instanceType, "t3.medium");
    assert.deepEqual([...group.availabilityZones].sort(), ["us-east-1a", "us-east-1b"]);
    assert.equal(group.parentCloudId, FASTIER.environment);
    assert.equal(group.tags.app, "fastier-web");
    assert.equal(group.attributes.launchTemplate, "fastier-web");
    assert.equal(group.status, "active");
  });

  it("finds the group's instances under the group and the standalone instance on its own", () => {
    const instances = ofKind(result, "instance");
    const members = instances.filter((i) => i.parentCloudId === FASTIER.group);
    assert.equal(members.length, 2);
    for (const member of members) {
      assert.match(member.cloudId, /^i-[0-9a-f]+$/);
      assert.equal(member.instanceType, "t3.medium");
      assert.equal(member.attributes.lifecycleState, "InService");
      assert.equal(member.attributes.state, "running");
      assert.equal(member.status, "active");
      assert.equal(member.availabilityZones.length, 1);
    }
    const legacy = only(result, "instance", fixture.legacyInstanceId);
    assert.equal(legacy.name, FASTIER.legacyInstanceName);
    assert.equal(legacy.parentCloudId, null);
    assert.equal(legacy.attributes.lifecycleState, null);
    assert.equal(legacy.status, "active");
    assert.equal(instances.length, 3);
  });

  it("finds the load balancer by ARN with zones, tags and DNS name", () => {
    const balancer = only(result, "load_balancer", fixture.loadBalancerArn);
    assert.equal(balancer.name, FASTIER.loadBalancer);
    assert.deepEqual([...balancer.availabilityZones].sort(), ["us-east-1a", "us-east-1b"]);
    assert.equal(balancer.tags.env, "production");
    assert.equal(balancer.parentCloudId, FASTIER.environment);
    assert.equal(balancer.attributes.type, "application");
    assert.equal(balancer.attributes.dnsName, fixture.loadBalancerDnsName);
  });

  it("finds the DB instances with their roles", () => {
    const primary = only(result, "db_instance", FASTIER.primaryDb);
    assert.equal(primary.database?.role, "primary");
    assert.equal(primary.database?.backupRetentionDays, 7);
    assert.equal(primary.database?.engine, "postgres");
    assert.ok(primary.database?.latestRestorableTime instanceof Date);
    assert.equal(primary.instanceType, "db.t3.medium");
    assert.match(String(primary.attributes.endpoint), /^fastier-db\..+:5432$/);
    assert.equal(primary.tags.app, "fastier-web");

    const replica = only(result, "db_instance", FASTIER.replicaDb);
    assert.equal(replica.database?.role, "replica");
    assert.equal(replica.database?.sourceDbIdentifier, FASTIER.primaryDb);

    const scratch = only(result, "db_instance", FASTIER.scratchDb);
    assert.equal(scratch.database?.role, "standalone");
    assert.equal(scratch.database?.sourceDbIdentifier, null);
  });

  it("finds this region's bucket with its tags and leaves the other region's out", () => {
    const buckets = ofKind(result, "s3_bucket");
    assert.deepEqual(
      buckets.map((b) => b.cloudId),
      [FASTIER.bucket],
    );
    assert.equal(buckets[0]?.region, "us-east-1");
    assert.deepEqual(buckets[0]?.tags, FASTIER.tags);
  });

  it("finds every record of the hosted zone, keyed by zone, name, type and set identifier", () => {
    const records = ofKind(result, "dns_record");
    const app = only(result, "dns_record", `${fixture.zoneId}/app.fastier.io./A`);
    assert.equal(app.name, "app.fastier.io");
    assert.equal(app.region, null);
    assert.equal(app.attributes.hostedZone, "fastier.io");
    assert.equal(app.attributes.alias, fixture.loadBalancerDnsName);
    const www = only(result, "dns_record", `${fixture.zoneId}/www.fastier.io./CNAME/primary`);
    assert.equal(www.attributes.failover, "PRIMARY");
    assert.deepEqual(www.attributes.values, ["app.fastier.io"]);
    assert.deepEqual(records.map((r) => r.attributes.type).sort(), ["A", "CNAME", "NS", "SOA"]);
  });

  it("finds the Beanstalk environment with its application and tags", () => {
    const environment = only(result, "beanstalk_environment", FASTIER.environment);
    assert.equal(environment.name, FASTIER.environment);
    assert.equal(environment.attributes.applicationName, "fastier-web");
    assert.deepEqual(environment.tags, FASTIER.tags);
  });

  it("reports a kind whose service cannot be reached in failures and still returns the rest", async () => {
    // Nothing listens on port 9 of the loopback: every ELBv2 call fails to connect.
    const unreachable = new ElasticLoadBalancingV2Client({
      ...motoConfig(moto),
      endpoint: "http://127.0.0.1:9",
      maxAttempts: 1,
    });
    const partial = await motoCloud(moto, { elbv2: unreachable }).discovery.discover();
    assert.deepEqual(
      partial.failures.map((f) => f.kind),
      ["load_balancer", "pipeline"],
    );
    assert.match(partial.failures[0]?.error ?? "", /elasticloadbalancing DescribeLoadBalancers failed: ECONNREFUSED/);
    assert.equal(ofKind(partial, "load_balancer").length, 0);
    assert.equal(partial.resources.length, result.resources.length - 1);
  });
});
