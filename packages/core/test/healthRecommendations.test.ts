import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_TARGET_MEMORY_PERCENT,
  planRightsize,
  scaleOutCount,
} from "../src/health/recommendations/capacityPlanning.ts";
import {
  EC2_CATALOG,
  type Ec2InstanceType,
  HOURS_PER_MONTH,
  PRICES_AS_OF,
  PRICES_SOURCE,
} from "../src/health/recommendations/instanceCatalog.ts";
import {
  type Recommendation,
  type RecommendationContext,
  recommendationsFor,
} from "../src/health/recommendations/recommendations.ts";
import { supersede } from "../src/health/recommendations/supersedeRecommendations.ts";
import type { Finding, HealthRuleId } from "../src/health/rules/findingTypes.ts";

const NOW = new Date("2026-11-25T17:00:00Z");

function finding(ruleId: HealthRuleId, peaks: number[] = [], overrides: Partial<Finding> = {}): Finding {
  return {
    id: "f-1",
    ruleId,
    resourceId: "res-web-asg",
    severity: "warning",
    status: "open",
    evidence: peaks.map((value, i) => ({
      metric: "mem_used_percent",
      unit: "Percent",
      timestamp: new Date(NOW.getTime() - (peaks.length - i) * 300_000),
      value,
    })),
    summary: "",
    openedAt: NOW,
    lastSeenAt: NOW,
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

const webGroup = (
  capacity = { minSize: 2, maxSize: 6, desiredCapacity: 2 },
  instanceType: string | null = "t3.medium",
): RecommendationContext["resource"] => ({
  id: "res-web-asg",
  name: "web-asg",
  kind: "auto_scaling_group",
  instanceType,
  capacity,
  database: null,
});
const kinds = (recommendations: Recommendation[]) => recommendations.map((r) => r.kind);
const ofKind = (recommendations: Recommendation[], kind: Recommendation["kind"]) =>
  recommendations.find((r) => r.kind === kind);

describe("instance catalog", () => {
  it("has the required types, dated prices with a source, and the 730-hour month", () => {
    const names = EC2_CATALOG.map((t) => t.instanceType);
    for (const required of [
      "t3.medium",
      "t3.large",
      "t3.xlarge",
      "m6i.large",
      "m6i.xlarge",
      "r6i.large",
      "r6i.xlarge",
      "r7i.large",
    ]) {
      assert.ok(names.includes(required), `${required} is in the catalog`);
    }
    assert.equal(new Set(names).size, names.length, "no type listed twice");
    assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(PRICES_SOURCE, /aws\.amazon\.com/);
    assert.equal(HOURS_PER_MONTH, 730);
    assert.deepEqual(
      EC2_CATALOG.find((t) => t.instanceType === "t3.medium"),
      {
        instanceType: "t3.medium",
        memoryGiB: 4,
        vcpus: 2,
        architecture: "x86_64",
        hourlyUsd: 0.0416,
      },
    );
  });
});

describe("scale-out count", () => {
  it("is ceil(current × peak ÷ 65)", () => {
    assert.equal(DEFAULT_TARGET_MEMORY_PERCENT, 65);
    assert.equal(scaleOutCount(2, 90), 3, "ceil(2 × 90 ÷ 65) = ceil(2.77)");
    assert.equal(scaleOutCount(2, 97), 3, "ceil(2.98)");
    assert.equal(scaleOutCount(3, 99.5), 5, "ceil(4.59)");
    assert.equal(scaleOutCount(2, 90, 50), 4, "a lower target needs more");
  });

  it("does not round float noise up and never scales in", () => {
    assert.equal(scaleOutCount(2, 65), 2);
    assert.equal(scaleOutCount(3, 65.00000000001), 3);
    assert.equal(scaleOutCount(4, 30), 4);
  });

  it("refuses nonsense", () => {
    assert.throws(() => scaleOutCount(0, 90), RangeError);
    assert.throws(() => scaleOutCount(2, 120), RangeError);
    assert.throws(() => scaleOutCount(2, 90, 100), RangeError);
  });
});

describe("memory-pressure recommendations", () => {
  it("2 × t3.medium at 90% peak: scale out to 3, applied as a scale operation, with its monthly cost", () => {
    const recommendations = recommendationsFor(finding("memory_pressure", [86, 90, 88]), {
      resource: webGroup(),
    });
    const scale = ofKind(recommendations, "scale_out");
    assert.deepEqual(scale?.apply, { operationKind: "scale", params: { desiredCapacity: 3 } });
    assert.equal(scale?.title, "Scale out web-asg to 3 instances");
    assert.match(scale?.rationale ?? "", /N = ceil\(2 × 90 ÷ 65\) = 3, projected peak 60%/);
    assert.equal(scale?.monthlyCostDeltaUsd, 30.37, "one more t3.medium: 0.0416 × 730");
    assert.deepEqual(scale?.proposal, { desiredCapacity: 3 });
  });

  it("at 97% with max 2: raise max capacity to 3 and scale to it in one operation", () => {
    const recommendations = recommendationsFor(finding("memory_pressure", [97]), {
      resource: webGroup({ minSize: 2, maxSize: 2, desiredCapacity: 2 }),
    });
    assert.equal(ofKind(recommendations, "scale_out"), undefined);
    const raise = ofKind(recommendations, "raise_max_capacity");
    assert.deepEqual(raise?.apply, { operationKind: "scale", params: { desiredCapacity: 3, maxSize: 3 } });
    assert.match(raise?.title ?? "", /Raise max capacity of web-asg to 3 \(now 2\)/);
  });

  it("sizes against the peak given by the sweep, over the evidence", () => {
    const recommendations = recommendationsFor(finding("memory_pressure", [86]), {
      resource: webGroup(),
      peakMemoryPercent: 99,
    });
    assert.deepEqual(ofKind(recommendations, "scale_out")?.proposal, { desiredCapacity: 4 });
    assert.match(ofKind(recommendations, "scale_out")?.rationale ?? "", /saturated/);
  });

  it("re-expresses a peak seen on the old type once the group runs another, so a done rightsizing is not proposed again", () => {
    const afterChange = recommendationsFor(finding("memory_pressure", [90]), {
      resource: webGroup(undefined, "t3.large"),
      observedOnMemoryGiB: 4,
      hasMemoryTargetTracking: true,
    });
    // 90% of 4 GiB is 45% of 8 GiB: under the target, nothing to scale or resize.
    assert.deepEqual(afterChange, []);
    const sameType = recommendationsFor(finding("memory_pressure", [90]), {
      resource: webGroup(),
      observedOnMemoryGiB: 4,
    });
    assert.deepEqual(ofKind(sameType, "rightsize_instance_type")?.proposal, { instanceType: "t3.large" });
  });

  it("rightsizes to the cheapest sufficient type and lists every option's monthly delta", () => {
    const rightsize = ofKind(
      recommendationsFor(finding("memory_pressure", [90]), { resource: webGroup() }),
      "rightsize_instance_type",
    );
    assert.deepEqual(rightsize?.proposal, { instanceType: "t3.large" });
    assert.deepEqual(rightsize?.apply, { operationKind: "change_instance_type", params: { instanceType: "t3.large" } });
    assert.deepEqual(
      rightsize?.options.map((o) => [o.instanceType, o.monthlyCostDeltaUsd, o.projectedPeakPercent]),
      [
        ["t3.large", 60.74, 45],
        ["m6i.large", 79.42, 45],
        ["m7i.large", 86.43, 45],
        ["r6i.large", 123.22, 22.5],
        ["r7i.large", 132.42, 22.5],
        ["t3.xlarge", 182.21, 22.5],
        ["m6i.xlarge", 219.58, 22.5],
        ["r6i.xlarge", 307.18, 11.25],
        ["r7i.xlarge", 325.58, 11.25],
        ["t3.2xlarge", 425.15, 11.25],
      ],
    );
    assert.match(rightsize?.rationale ?? "", /3\.6 GiB per instance; at 65% that needs 5\.54 GiB/);
  });

  it("picks a memory-optimised type over the next size of the same family when it is cheaper", () => {
    const plan = planRightsize({ instanceType: "t3.large", count: 2, peakPercent: 97 });
    assert.equal(plan?.requiredGiB, 11.94);
    assert.equal(plan?.choice?.instanceType, "r6i.large", "not t3.xlarge ($0.1664/h) nor arm64 r7g.large");
    assert.ok(!plan?.options.some((o) => o.instanceType === "r7g.large"), "stays on x86_64");
  });

  it("keeps at least the current vCPUs", () => {
    const catalog: Ec2InstanceType[] = [
      { instanceType: "big.4cpu", memoryGiB: 16, vcpus: 4, architecture: "x86_64", hourlyUsd: 0.2 },
      { instanceType: "cheap.1cpu", memoryGiB: 64, vcpus: 1, architecture: "x86_64", hourlyUsd: 0.01 },
      { instanceType: "now.4cpu", memoryGiB: 8, vcpus: 4, architecture: "x86_64", hourlyUsd: 0.1 },
    ];
    const plan = planRightsize({ instanceType: "now.4cpu", count: 1, peakPercent: 90, catalog });
    assert.deepEqual(
      plan?.options.map((o) => o.instanceType),
      ["big.4cpu"],
    );
  });

  it("recommends a memory target-tracking policy only for a group known to have none", () => {
    const without = recommendationsFor(finding("memory_pressure", [90]), {
      resource: webGroup(),
      hasMemoryTargetTracking: false,
    });
    assert.deepEqual(ofKind(without, "add_memory_target_tracking")?.proposal, {
      metric: "CWAgent/mem_used_percent",
      targetPercent: 65,
    });
    assert.deepEqual(ofKind(without, "add_memory_target_tracking")?.apply, {
      operationKind: "put_memory_scaling_policy",
      params: { targetPercent: 65 },
    });
    const configured = recommendationsFor(finding("memory_pressure", [90]), {
      resource: webGroup(),
      hasMemoryTargetTracking: false,
      targetMemoryPercent: 70,
    });
    assert.deepEqual(ofKind(configured, "add_memory_target_tracking")?.apply?.params, { targetPercent: 70 });
    const unknown = recommendationsFor(finding("memory_pressure", [90]), { resource: webGroup() });
    assert.equal(ofKind(unknown, "add_memory_target_tracking"), undefined);
  });

  it("without a known instance type: scale out without a price, no rightsizing", () => {
    const recommendations = recommendationsFor(finding("memory_pressure", [90]), {
      resource: webGroup(undefined, "x9.weird"),
    });
    assert.deepEqual(kinds(recommendations), ["scale_out"]);
    assert.equal(recommendations[0]?.monthlyCostDeltaUsd, null);
  });

  it("gives nothing for a resolved finding and refuses another resource's context", () => {
    assert.deepEqual(
      recommendationsFor(finding("memory_pressure", [90], { status: "resolved" }), { resource: webGroup() }),
      [],
    );
    assert.throws(
      () => recommendationsFor(finding("memory_pressure", [90]), { resource: { ...webGroup(), id: "res-other" } }),
      RangeError,
    );
  });
});

describe("other recommendations", () => {
  const database = (backupRetentionDays: number, multiAz: boolean): RecommendationContext["resource"] => ({
    id: "res-web-asg",
    name: "fastier-db",
    kind: "db_instance",
    instanceType: "db.t3.medium",
    capacity: null,
    database: {
      role: "primary",
      engine: "postgres",
      engineVersion: "16.4",
      sourceDbIdentifier: null,
      multiAz,
      backupRetentionDays,
      earliestRestorableTime: null,
      latestRestorableTime: null,
    },
  });

  it("enable Multi-AZ and raise retention to 7 days, each applied by its operation", () => {
    const multiAz = recommendationsFor(finding("db_no_multi_az"), { resource: database(7, false) });
    assert.deepEqual(
      multiAz.map((r) => [r.kind, r.proposal, r.apply]),
      [["enable_multi_az", { multiAz: true }, { operationKind: "enable_multi_az", params: {} }]],
    );
    const retention = recommendationsFor(finding("db_backup_retention_short"), { resource: database(3, true) });
    assert.deepEqual(retention[0]?.proposal, { backupRetentionDays: 7 });
    assert.deepEqual(retention[0]?.apply, { operationKind: "set_backup_retention", params: { days: 7 } });
    assert.match(retention[0]?.rationale ?? "", /keeps backups 3 days/);
    const off = recommendationsFor(finding("db_backup_retention_short"), { resource: database(0, true) });
    assert.match(off[0]?.rationale ?? "", /turned off/);
  });

  it("install the agent when memory metrics are missing; nothing for rules without a remedy here", () => {
    const [agent] = recommendationsFor(finding("memory_metrics_missing"), { resource: webGroup() });
    assert.equal(agent?.kind, "install_cloudwatch_agent");
    assert.equal(agent?.apply, null);
    assert.match(agent?.manualSteps?.steps.join("\n") ?? "", /cloudwatch:PutMetricData/);
    assert.ok(agent?.manualSteps?.files.every((file) => file.content.includes("mem_used_percent")));
    assert.deepEqual(recommendationsFor(finding("db_replica_lag_high"), { resource: database(7, true) }), []);
  });
});

describe("supersede", () => {
  const recommend = (peak: number, maxSize = 6, findingId = "f-1", hasMemoryTargetTracking = true) =>
    recommendationsFor(finding("memory_pressure", [peak], { id: findingId }), {
      resource: webGroup({ minSize: 2, maxSize, desiredCapacity: 2 }),
      hasMemoryTargetTracking,
    });

  it("keeps a recommendation whose proposal is unchanged even if the observed numbers moved", () => {
    const existing = recommend(90);
    const result = supersede(existing, recommend(91));
    assert.deepEqual(result.keep, existing);
    assert.deepEqual([result.add, result.superseded], [[], []]);
  });

  it("supersedes when the numbers change (3 instances become 4)", () => {
    const existing = recommend(90);
    const result = supersede(existing, recommend(120 / 2 + 40));
    const scale = result.superseded.find((s) => s.recommendation.kind === "scale_out");
    assert.equal(scale?.reason, "numbers_changed");
    assert.deepEqual(scale?.replacedBy?.proposal, { desiredCapacity: 4 });
    assert.ok(result.add.some((r) => r.kind === "scale_out" && r.proposal.desiredCapacity === 4));
  });

  it("treats scale-out turning into raise-max as a change of numbers, not a new remedy", () => {
    const result = supersede(recommend(90, 6), recommend(90, 2));
    const scale = result.superseded.find((s) => s.recommendation.kind === "scale_out");
    assert.equal(scale?.reason, "numbers_changed");
    assert.equal(scale?.replacedBy?.kind, "raise_max_capacity");
  });

  it("supersedes everything of a resolved finding, and of a finding replaced by a new one", () => {
    const existing = recommend(90);
    const resolved = supersede(existing, []);
    assert.deepEqual(
      resolved.superseded.map((s) => s.reason),
      existing.map(() => "finding_resolved"),
    );
    const reopened = supersede(existing, recommend(90, 6, "f-2"));
    assert.ok(reopened.superseded.every((s) => s.reason === "finding_resolved"));
    assert.equal(reopened.add.length, existing.length);
  });

  it("supersedes a recommendation its still-open finding no longer calls for", () => {
    const existing = recommend(90, 6, "f-1", false);
    const result = supersede(existing, recommend(90, 6, "f-1", true));
    assert.deepEqual(
      result.superseded.map((s) => [s.recommendation.kind, s.reason]),
      [["add_memory_target_tracking", "no_longer_recommended"]],
    );
  });

  it("refuses two fresh recommendations of one kind for one resource", () => {
    const fresh = recommend(90);
    assert.throws(() => supersede([], [...fresh, ...fresh]), RangeError);
  });
});
