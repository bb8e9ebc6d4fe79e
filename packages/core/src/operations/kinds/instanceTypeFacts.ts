import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { AutoScalingGroupState } from "../../cloud/cloudTypes.ts";
import { DomainError } from "../../errors.ts";
import { type Ec2InstanceType, ec2TypeOf, monthlyCostUsd } from "../../health/recommendations/instanceCatalog.ts";
import { MEMORY_METRIC, MEMORY_PRESSURE_DEFAULTS } from "../../health/rules/memoryPressureRule.ts";

/** The peak the plan projects onto the new type: the last day, like the dashboard's headline. */
const PEAK_WINDOW_MS = 24 * 3_600_000;

/** Instances that count: launched or in service, not on their way out. */
export const liveInstances = (group: AutoScalingGroupState) =>
  group.instances.filter((i) => i.lifecycleState === "Pending" || i.lifecycleState === "InService");

/**
 * The type most of the group's instances run: what the observed memory was measured on (the
 * group's configured type may already be another while an update replaces them).
 */
export function runningType(group: AutoScalingGroupState): string | null {
  const counts = new Map<string, number>();
  for (const i of liveInstances(group))
    if (i.instanceType) counts.set(i.instanceType, (counts.get(i.instanceType) ?? 0) + 1);
  let best: string | null = null;
  for (const [type, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = type;
  return best ?? group.instanceType;
}

/** The group launches the type and every instance it keeps runs it, in service: nothing left to replace. */
export function runsEverywhere(group: AutoScalingGroupState, instanceType: string): boolean {
  const live = liveInstances(group);
  return (
    group.instanceType === instanceType &&
    live.length > 0 &&
    live.every((i) => i.instanceType === instanceType && i.lifecycleState === "InService")
  );
}

/** How many of the group's instances still run another type. */
export const instancesToReplace = (group: AutoScalingGroupState, instanceType: string) =>
  liveInstances(group).filter((i) => i.instanceType !== instanceType).length;

/** 422 for a type the catalog does not know (its memory and price are unknown) or of another architecture. */
export function catalogType(wanted: string, current: Ec2InstanceType | null): Ec2InstanceType {
  const type = ec2TypeOf(wanted);
  if (!type) {
    throw new DomainError("unprocessable", "unknown_instance_type", `${wanted} is not in the instance catalog`, {
      problems: [{ field: "/instanceType", rule: "catalog", message: `${wanted} is not a known instance type` }],
    });
  }
  if (current && current.architecture !== type.architecture) {
    throw new DomainError(
      "unprocessable",
      "architecture_mismatch",
      `${wanted} is ${type.architecture} but the group runs ${current.instanceType} (${current.architecture}): that needs another AMI`,
      {
        problems: [
          {
            field: "/instanceType",
            rule: "architecture",
            message: `must be ${current.architecture} like ${current.instanceType}`,
          },
        ],
      },
    );
  }
  return type;
}

/** The highest 5-minute Maximum of the group's `mem_used_percent` over the last day; null without data. */
export async function observedMemoryPeak(cloud: CloudPort, groupName: string, now: Date): Promise<number | null> {
  const { series } = await cloud.metrics.getMetricData({
    queries: [
      {
        id: "peak",
        namespace: MEMORY_METRIC.namespace,
        metricName: MEMORY_METRIC.metricName,
        dimensions: { AutoScalingGroupName: groupName },
        period: MEMORY_METRIC.periodSeconds,
        stat: MEMORY_METRIC.stat,
      },
    ],
    start: new Date(now.getTime() - PEAK_WINDOW_MS),
    end: now,
  });
  const values = series[0]?.points.map((p) => p.value) ?? [];
  return values.length === 0 ? null : Math.max(...values);
}

export interface MemoryProjection {
  peakPercent: number;
  peakGiBPerInstance: number;
  projectedPeakPercent: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The same GiB per instance on the new type's memory; null when the peak or the current size is unknown. */
export function projectPeak(
  peakPercent: number | null,
  current: Ec2InstanceType | null,
  next: Ec2InstanceType,
): MemoryProjection | null {
  if (peakPercent === null || !current) return null;
  const peakGiBPerInstance = (peakPercent / 100) * current.memoryGiB;
  return {
    peakPercent: round1(peakPercent),
    peakGiBPerInstance: Math.round(peakGiBPerInstance * 100) / 100,
    projectedPeakPercent: round1((peakGiBPerInstance / next.memoryGiB) * 100),
  };
}

/** 422 when the observed peak would put the new type under memory pressure at once. */
export function assertHoldsPeak(projection: MemoryProjection | null, next: Ec2InstanceType) {
  const limit = MEMORY_PRESSURE_DEFAULTS.warningPercent;
  if (!projection || projection.projectedPeakPercent < limit) return;
  const needGiB = Math.ceil((projection.peakGiBPerInstance / (limit / 100)) * 10) / 10;
  throw new DomainError(
    "unprocessable",
    "insufficient_memory",
    `${next.instanceType} has ${next.memoryGiB} GiB: the last day's peak of ${projection.peakGiBPerInstance} GiB per instance ` +
      `would be ${projection.projectedPeakPercent}% of it, at or above the ${limit}% memory-pressure threshold; it needs more than ${needGiB} GiB`,
    {
      problems: [
        {
          field: "/instanceType",
          rule: "memory",
          message: `needs more than ${needGiB} GiB to hold the observed peak under ${limit}%`,
        },
      ],
      ...projection,
    },
  );
}

/** Monthly on-demand cost of the group's desired capacity on each type, and the difference; null for an unknown type. */
export function costChange(current: Ec2InstanceType | null, next: Ec2InstanceType, count: number) {
  if (!current) return null;
  const from = monthlyCostUsd(current.hourlyUsd, count);
  const to = monthlyCostUsd(next.hourlyUsd, count);
  return { from, to, delta: Math.round((to - from) * 100) / 100 };
}
