import { type BackupReplicationDefaults, NO_BACKUP_REPLICATION_DEFAULTS } from "../../dr/backupReplications.ts";
import { MIN_BACKUP_RETENTION_DAYS } from "../../dr/drReadiness.ts";
import type { Resource } from "../../inventory/types.ts";
import type { OperationKind } from "../../operations/operationRegistry.ts";
import type { Finding, HealthRuleId } from "../rules/findingTypes.ts";
import { MEMORY_METRIC } from "../rules/memoryPressureRule.ts";
import { round1 } from "../rules/summaryNumbers.ts";
import { replicateBackupsProposal } from "./backupReplicationRecommendation.ts";
import {
  DEFAULT_TARGET_MEMORY_PERCENT,
  planRightsize,
  type RightsizeOption,
  type RightsizePlan,
  scaleOutCount,
} from "./capacityPlanning.ts";
import { cloudWatchAgentSteps, type ManualSteps } from "./cloudWatchAgentSetup.ts";
import { type Ec2InstanceType, ec2TypeOf, monthlyCostUsd, PRICES_AS_OF } from "./instanceCatalog.ts";

export const RECOMMENDATION_KINDS = [
  "scale_out",
  "raise_max_capacity",
  "rightsize_instance_type",
  "add_memory_target_tracking",
  "install_cloudwatch_agent",
  "enable_multi_az",
  "raise_backup_retention",
  "replicate_backups",
] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

/**
 * How to carry a recommendation out: the operation to request, with its
 * params (checked against the kind's body schema when it is requested).
 */
export interface RecommendationApply {
  operationKind: OperationKind;
  params: Record<string, string | number | boolean>;
}

export interface Recommendation {
  kind: RecommendationKind;
  resourceId: string;
  /** The finding it answers. */
  findingId: string;
  ruleId: HealthRuleId;
  title: string;
  /** Why, with the numbers it was computed from. */
  rationale: string;
  /** What it proposes, flat; a change here (not in the observed numbers) supersedes it. */
  proposal: Record<string, string | number | boolean>;
  /** On-demand cost change per month (730 h), us-east-1; null where it has no price here. */
  monthlyCostDeltaUsd: number | null;
  /** Rightsizing: every type that fits, cheapest first, each with its monthly delta. Empty otherwise. */
  options: RightsizeOption[];
  apply: RecommendationApply | null;
  /** For one to carry out by hand (no `apply`): the exact steps and files; null otherwise. */
  manualSteps: ManualSteps | null;
}

export interface RecommendationContext {
  /** The finding's resource, as the inventory has it. */
  resource: Pick<Resource, "id" | "name" | "kind" | "instanceType" | "capacity" | "database"> &
    Partial<Pick<Resource, "region" | "attributes">>;
  /** Instances the observed peak was spread over; defaults to the desired capacity (1 for an instance). */
  inServiceCount?: number;
  /** Peak `mem_used_percent` to size against; defaults to the highest in the finding's evidence. */
  peakMemoryPercent?: number;
  /**
   * Memory of one instance when the peak was seen. When the group has since changed type, the
   * peak is re-expressed on today's type (the same GiB), so an applied rightsizing is not proposed again.
   */
  observedOnMemoryGiB?: number;
  /** Whether the group already scales on memory; only `false` (known to have none) recommends adding one. */
  hasMemoryTargetTracking?: boolean;
  targetMemoryPercent?: number;
  catalog?: readonly Ec2InstanceType[];
  /** Where backups of the resource's region go, and with which KMS key there; the built-in partner regions if omitted. */
  backupReplication?: BackupReplicationDefaults;
}

const usd = (amount: number) => `${amount < 0 ? "−" : "+"}$${Math.abs(amount).toFixed(2)}/month`;

/** Scale-out or, when the group's max is too low for it, raising the max too. */
function scaleRecommendation(
  finding: Finding,
  context: RecommendationContext,
  peak: number,
  count: number,
  target: number,
): Recommendation | null {
  const { resource } = context;
  if (resource.kind !== "auto_scaling_group" || !resource.capacity) return null;
  const { desiredCapacity, maxSize } = resource.capacity;
  const needed = scaleOutCount(count, peak, target);
  if (needed <= desiredCapacity) return null;
  const type = ec2TypeOf(resource.instanceType, context.catalog);
  const delta = type ? monthlyCostUsd(type.hourlyUsd, needed - desiredCapacity) : null;
  const overMax = needed > maxSize;
  const saturated = peak >= 99 ? " Memory was saturated, so demand may be higher still: re-check after scaling." : "";
  return {
    kind: overMax ? "raise_max_capacity" : "scale_out",
    resourceId: resource.id,
    findingId: finding.id,
    ruleId: finding.ruleId,
    title: overMax
      ? `Raise max capacity of ${resource.name} to ${needed} (now ${maxSize}) and scale out to ${needed}`
      : `Scale out ${resource.name} to ${needed} instances`,
    rationale:
      `Peak memory ${round1(peak)}% across ${count} × ${resource.instanceType ?? "instances"}. ` +
      `Sizing for ${target}%: N = ceil(${count} × ${round1(peak)} ÷ ${target}) = ${needed}, projected peak ${round1((count * peak) / needed)}%` +
      ` if the working set spreads evenly; per-instance overhead does not, so expect somewhat more.` +
      (overMax ? ` The group's max capacity ${maxSize} would stop it at ${maxSize}.` : "") +
      (delta === null ? "" : ` ${usd(delta)} on demand (prices as of ${PRICES_AS_OF}).`) +
      saturated,
    proposal: overMax ? { desiredCapacity: needed, maxSize: needed } : { desiredCapacity: needed },
    monthlyCostDeltaUsd: delta,
    options: [],
    apply: {
      operationKind: "scale",
      params: overMax ? { desiredCapacity: needed, maxSize: needed } : { desiredCapacity: needed },
    },
    manualSteps: null,
  };
}

function rightsizeRecommendation(finding: Finding, name: string, plan: RightsizePlan): Recommendation | null {
  const choice = plan.choice;
  if (!choice || plan.requiredGiB <= plan.current.memoryGiB) return null;
  const listed = plan.options.map((o) => `${o.instanceType} ${usd(o.monthlyCostDeltaUsd)}`).join(", ");
  return {
    kind: "rightsize_instance_type",
    resourceId: finding.resourceId,
    findingId: finding.id,
    ruleId: finding.ruleId,
    title: `Move ${name} from ${plan.current.instanceType} to ${choice.instanceType}`,
    rationale:
      `Peak ${round1(plan.peakPercent)}% of ${plan.current.memoryGiB} GiB = ${plan.peakGiBPerInstance} GiB per instance; ` +
      `at ${plan.targetPercent}% that needs ${plan.requiredGiB} GiB. ${choice.instanceType} (${choice.memoryGiB} GiB, ${choice.vcpus} vCPU) ` +
      `is the cheapest that fits: projected peak ${choice.projectedPeakPercent}%, ${usd(choice.monthlyCostDeltaUsd)} for ${plan.count} instance(s). ` +
      `All that fit: ${listed} (on demand, us-east-1, prices as of ${PRICES_AS_OF}).`,
    proposal: { instanceType: choice.instanceType },
    monthlyCostDeltaUsd: choice.monthlyCostDeltaUsd,
    options: plan.options,
    // A Beanstalk environment update or, for a plain group, a launch template version and an instance refresh.
    apply: { operationKind: "change_instance_type", params: { instanceType: choice.instanceType } },
    manualSteps: null,
  };
}

function memoryPressureRecommendations(finding: Finding, context: RecommendationContext): Recommendation[] {
  const evidencePeak = finding.evidence
    .filter((point) => point.metric === MEMORY_METRIC.metricName)
    .reduce<number | null>((peak, point) => Math.max(peak ?? point.value, point.value), null);
  const observedPeak = context.peakMemoryPercent ?? evidencePeak;
  if (observedPeak === null) return [];
  const { resource } = context;
  const nowGiB = ec2TypeOf(resource.instanceType, context.catalog)?.memoryGiB;
  const peak =
    context.observedOnMemoryGiB !== undefined && nowGiB !== undefined
      ? Math.min(100, (observedPeak * context.observedOnMemoryGiB) / nowGiB)
      : observedPeak;
  const target = context.targetMemoryPercent ?? DEFAULT_TARGET_MEMORY_PERCENT;
  const count = context.inServiceCount ?? resource.capacity?.desiredCapacity ?? 1;
  const plan = planRightsize({
    instanceType: resource.instanceType,
    count,
    peakPercent: peak,
    targetPercent: target,
    catalog: context.catalog,
  });
  const recommendations = [
    scaleRecommendation(finding, context, peak, count, target),
    plan && rightsizeRecommendation(finding, resource.name, plan),
  ].filter((r): r is Recommendation => r !== null);
  if (resource.kind === "auto_scaling_group" && context.hasMemoryTargetTracking === false) {
    recommendations.push({
      ...commonFields(finding, "add_memory_target_tracking"),
      title: `Add a target-tracking policy on memory at ${target}% to ${resource.name}`,
      rationale:
        `${resource.name} has no scaling policy on ${MEMORY_METRIC.namespace} ${MEMORY_METRIC.metricName}, so it did not scale out when memory reached ${round1(peak)}%. ` +
        `A target-tracking policy at ${target}% adds instances before memory runs out and removes them when load drops.`,
      proposal: { metric: `${MEMORY_METRIC.namespace}/${MEMORY_METRIC.metricName}`, targetPercent: target },
      apply: { operationKind: "put_memory_scaling_policy", params: { targetPercent: target } },
    });
  }
  return recommendations;
}

/** The fields every recommendation shares; the caller adds title, rationale and proposal. */
function commonFields(finding: Finding, kind: RecommendationKind) {
  return {
    kind,
    resourceId: finding.resourceId,
    findingId: finding.id,
    ruleId: finding.ruleId,
    monthlyCostDeltaUsd: null,
    options: [],
    apply: null,
    manualSteps: null,
  };
}

/**
 * What to do about an open finding, with the numbers. A resolved finding
 * gets none. Rules without a concrete remedy here (replica lag, freeable
 * memory, no read replica) get none: their finding says what is wrong.
 */
export function recommendationsFor(finding: Finding, context: RecommendationContext): Recommendation[] {
  if (context.resource.id !== finding.resourceId) {
    throw new RangeError(`finding ${finding.id} is about ${finding.resourceId}, not ${context.resource.id}`);
  }
  if (finding.status !== "open") return [];
  const { name, database } = context.resource;
  switch (finding.ruleId) {
    case "memory_pressure":
      return memoryPressureRecommendations(finding, context);
    case "memory_metrics_missing":
      return [
        {
          ...commonFields(finding, "install_cloudwatch_agent"),
          title: `Install the CloudWatch agent on ${name}'s instances`,
          rationale: `EC2 does not report memory; without the agent's ${MEMORY_METRIC.metricName} memory pressure on ${name} cannot be seen or scaled on. Install it with the configuration in manualSteps: it publishes with the AutoScalingGroupName and InstanceId dimensions.`,
          proposal: { metric: `${MEMORY_METRIC.namespace}/${MEMORY_METRIC.metricName}` },
          manualSteps: cloudWatchAgentSteps(name),
        },
      ];
    case "db_no_multi_az":
      return [
        {
          ...commonFields(finding, "enable_multi_az"),
          title: `Enable Multi-AZ on ${name}`,
          rationale: `${name} is Single-AZ: a zone or host failure means a promotion or a restore (minutes of downtime, possible data loss) instead of an automatic failover in about a minute. A standby roughly doubles the instance price.`,
          proposal: { multiAz: true },
          apply: { operationKind: "enable_multi_az", params: {} },
        },
      ];
    case "db_backup_retention_short": {
      const days = database?.backupRetentionDays ?? null;
      return [
        {
          ...commonFields(finding, "raise_backup_retention"),
          title: `Raise backup retention of ${name} to ${MIN_BACKUP_RETENTION_DAYS} days`,
          rationale:
            days === 0
              ? `${name} has automated backups turned off: no point-in-time restore is possible. Keeping ${MIN_BACKUP_RETENTION_DAYS} days turns them on.`
              : `${name} keeps backups ${days ?? "an unknown number of"} days; at ${MIN_BACKUP_RETENTION_DAYS} a mistake found days later can still be undone by a point-in-time restore.`,
          proposal: { backupRetentionDays: MIN_BACKUP_RETENTION_DAYS },
          apply: { operationKind: "set_backup_retention", params: { days: MIN_BACKUP_RETENTION_DAYS } },
        },
      ];
    }
    case "db_no_backup_replication": {
      const proposal = replicateBackupsProposal(
        context.resource,
        context.backupReplication ?? NO_BACKUP_REPLICATION_DEFAULTS,
      );
      return proposal ? [{ ...commonFields(finding, "replicate_backups"), ...proposal }] : [];
    }
    default:
      return [];
  }
}
