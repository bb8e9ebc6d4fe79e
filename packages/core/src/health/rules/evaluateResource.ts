import type { MetricSeries, MetricStatistic } from "../../cloud/cloudTypes.ts";
import type { Resource } from "../../inventory/types.ts";
import { ec2TypeOf } from "../recommendations/instanceCatalog.ts";
import type { SweepSettings } from "../sweep/sweepSettings.ts";
import { evaluateFreeableMemory, evaluateReplicaLag } from "./databaseRules.ts";
import type { EvidencePoint, Finding, HealthRuleId, RuleEvaluation } from "./findingTypes.ts";
import { evaluateMemoryMetricsMissing, evaluateMemoryPressure, MEMORY_METRIC } from "./memoryPressureRule.ts";

/** A resource's series from one sweep, by metric name and statistic. */
export type SeriesOf = (metricName: string, stat: MetricStatistic) => MetricSeries | undefined;

/** The group size behind a memory reading, kept in the evidence: scale-out sizes from the count the peak was seen at. */
export const IN_SERVICE_METRIC = "GroupInServiceInstances";

const NO_SERIES: Pick<MetricSeries, "points" | "complete" | "message"> = {
  points: [],
  complete: false,
  message: "not collected",
};

/**
 * The memory of one instance behind a memory reading, kept in the evidence: a percentage read on
 * one instance type means other GiB on another, so rightsizing after a type change sizes from it.
 */
export const INSTANCE_MEMORY_METRIC = "InstanceMemory";

function withGroupSize(evaluation: RuleEvaluation, resource: Resource): RuleEvaluation {
  const count = resource.capacity?.desiredCapacity;
  if (evaluation.verdict !== "firing" || evaluation.evidence.length === 0 || count === undefined) return evaluation;
  const latest = evaluation.evidence.at(-1) as EvidencePoint;
  const size: EvidencePoint = { metric: IN_SERVICE_METRIC, unit: "Count", timestamp: latest.timestamp, value: count };
  const memoryGiB = ec2TypeOf(resource.instanceType)?.memoryGiB;
  const memory: EvidencePoint[] =
    memoryGiB === undefined
      ? []
      : [{ metric: INSTANCE_MEMORY_METRIC, unit: "Bytes", timestamp: latest.timestamp, value: memoryGiB * 1024 ** 3 }];
  return { ...evaluation, evidence: [...evaluation.evidence, size, ...memory] };
}

/**
 * Every metric rule that applies to one resource, from its series of this
 * sweep and its open findings (which the hysteresis of each rule needs).
 */
export function evaluateResource(
  resource: Resource,
  seriesOf: SeriesOf,
  openFinding: (ruleId: HealthRuleId) => Finding | null,
  settings: Pick<SweepSettings, "memory" | "freeableMemory" | "replicaLag">,
): RuleEvaluation[] {
  const memory = seriesOf(MEMORY_METRIC.metricName, MEMORY_METRIC.stat) ?? NO_SERIES;
  switch (resource.kind) {
    case "auto_scaling_group":
      return [
        withGroupSize(
          evaluateMemoryPressure({
            resource,
            points: memory.points,
            open: openFinding("memory_pressure"),
            thresholds: settings.memory,
          }),
          resource,
        ),
        evaluateMemoryMetricsMissing({
          resource,
          series: memory,
          inServiceInstances: resource.capacity?.desiredCapacity ?? 0,
        }),
      ];
    case "instance":
      return [
        evaluateMemoryPressure({
          resource,
          points: memory.points,
          open: openFinding("memory_pressure"),
          thresholds: settings.memory,
        }),
      ];
    case "db_instance": {
      const evaluations = [
        evaluateFreeableMemory({
          resource,
          points: (seriesOf("FreeableMemory", "Minimum") ?? NO_SERIES).points,
          open: openFinding("db_freeable_memory_low"),
          thresholds: settings.freeableMemory,
        }),
      ];
      if (resource.database?.role === "replica") {
        evaluations.push(
          evaluateReplicaLag({
            resource,
            points: (seriesOf("ReplicaLag", "Maximum") ?? NO_SERIES).points,
            open: openFinding("db_replica_lag_high"),
            thresholds: settings.replicaLag,
          }),
        );
      }
      return evaluations;
    }
    default:
      return [];
  }
}
