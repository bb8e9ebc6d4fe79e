import {
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  HEALTH_RULE_IDS,
  OPERATION_KINDS,
  RECOMMENDATION_KINDS,
  RECOMMENDATION_STATUSES,
  SWEEP_STATUSES,
} from "@fastier/core";
import { Type } from "typebox";
import { PaginationQuery, Timestamp, Uuid } from "./common.ts";

const NullableTime = Type.Union([Timestamp, Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);

const EvidencePoint = Type.Object({
  metric: Type.String({
    description: "CloudWatch metric (mem_used_percent, FreeableMemory) or RDS attribute (MultiAZ)",
  }),
  unit: Type.Enum(["Percent", "Bytes", "Seconds", "Days", "Count", "Boolean"]),
  timestamp: Timestamp,
  value: Type.Number(),
});

const findingFields = {
  id: Uuid,
  environmentId: Uuid,
  resourceId: Uuid,
  resourceName: Type.String(),
  ruleId: Type.Enum([...HEALTH_RULE_IDS]),
  severity: Type.Enum([...FINDING_SEVERITIES]),
  status: Type.Enum([...FINDING_STATUSES]),
  summary: Type.String({ description: "What is wrong, with the numbers, as of the last sweep that saw it" }),
  evidence: Type.Array(EvidencePoint, { description: "The datapoints that opened or escalated it, oldest first" }),
  openedAt: Timestamp,
  lastSeenAt: Type.String({
    format: "date-time",
    maxLength: 40,
    description: "The last sweep that found the condition still there",
  }),
  resolvedAt: NullableTime,
  resolution: Type.Union([Type.String(), Type.Null()], { description: "Why it resolved; null while open" }),
};

export const Finding = Type.Object(findingFields, {
  $id: "Finding",
  description: "What a health sweep flagged about one resource; at most one open per resource and rule",
});

export const FindingWithRecommendations = Type.Object(
  {
    ...findingFields,
    recommendations: Type.Array(Type.Ref("Recommendation"), {
      description: "Every recommendation made for it, current or not, newest first",
    }),
  },
  { $id: "FindingWithRecommendations" },
);

const RightsizeOption = Type.Object({
  instanceType: Type.String(),
  memoryGiB: Type.Number(),
  vcpus: Type.Integer(),
  hourlyUsd: Type.Number(),
  projectedPeakPercent: Type.Number({ description: "The same peak on this type's memory" }),
  monthlyCostDeltaUsd: Type.Number({ description: "For the whole group at its current count; negative saves money" }),
});

export const Recommendation = Type.Object(
  {
    id: Uuid,
    environmentId: Uuid,
    resourceId: Uuid,
    findingId: Type.String({ format: "uuid", maxLength: 36, description: "The finding it answers" }),
    ruleId: Type.Enum([...HEALTH_RULE_IDS]),
    kind: Type.Enum([...RECOMMENDATION_KINDS]),
    status: Type.Enum([...RECOMMENDATION_STATUSES]),
    title: Type.String(),
    rationale: Type.String({ description: "Why, with the numbers it was computed from" }),
    proposal: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
      description: "What it proposes, e.g. {desiredCapacity: 3}",
    }),
    monthlyCostDeltaUsd: Type.Union([Type.Number(), Type.Null()], {
      description: "On-demand cost change per month (730 h), us-east-1; null where there is no price",
    }),
    options: Type.Array(RightsizeOption, {
      description: "Rightsizing: every instance type that fits, cheapest first; empty otherwise",
    }),
    apply: Type.Union(
      [
        Type.Object({
          operationKind: Type.Enum([...OPERATION_KINDS]),
          params: Type.Record(Type.String(), Type.Unknown(), { description: "The operation's parameters" }),
        }),
        Type.Null(),
      ],
      { description: "The operation `apply` requests; null when it must be carried out by hand" },
    ),
    manualSteps: Type.Union(
      [
        Type.Object({
          steps: Type.Array(Type.String(), { description: "In order" }),
          files: Type.Array(
            Type.Object({
              path: Type.String({ description: "Where the file goes (in the bundle or on the instance)" }),
              description: Type.String(),
              content: Type.String({ description: "The file's exact text" }),
            }),
          ),
        }),
        Type.Null(),
      ],
      {
        description:
          "How to carry it out by hand when it has no operation (install_cloudwatch_agent): the steps and the files to add; null otherwise",
      },
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Union([Timestamp, Type.Null()], {
      description: "When it stopped being current (finding resolved, numbers changed); null while current",
    }),
    closeReason: Type.Union([Type.String(), Type.Null()], {
      description: "finding_resolved, numbers_changed, no_longer_recommended or duplicate",
    }),
    replacedById: Type.Union([Uuid, Type.Null()]),
    appliedOperationId: Type.Union([Uuid, Type.Null()]),
    appliedAt: NullableTime,
    appliedBy: NullableText,
    dismissedAt: NullableTime,
    dismissedBy: NullableText,
    dismissReason: NullableText,
  },
  {
    $id: "Recommendation",
    description:
      "What to do about a finding, with the numbers. A dismissed or applied one stays current while its " +
      "finding is open, so sweeps do not propose it again.",
  },
);

export const RecommendationDryRun = Type.Object(
  { dryRun: Type.Literal(true), plan: Type.Ref("OperationPlan"), recommendation: Type.Ref("Recommendation") },
  { $id: "RecommendationDryRun", description: "The plan of the operation it would request, with nothing done" },
);

export const AppliedRecommendation = Type.Object(
  { operation: Type.Ref("Operation"), recommendation: Type.Ref("Recommendation") },
  { $id: "AppliedRecommendation", description: "The operation requested, and the recommendation marked applied" },
);

export const HealthSweep = Type.Object(
  {
    id: Uuid,
    trigger: Type.String({ description: "schedule, api or cli" }),
    status: Type.Enum([...SWEEP_STATUSES]),
    startedAt: Timestamp,
    finishedAt: NullableTime,
    windowStart: Type.String({
      format: "date-time",
      maxLength: 40,
      description: "The metric window read: whole 5-minute periods",
    }),
    windowEnd: Timestamp,
    resources: Type.Integer({ description: "Resources swept" }),
    metricQueries: Type.Integer(),
    datapoints: Type.Integer(),
    samplesWritten: Type.Integer(),
    cloudCalls: Type.Integer({ description: "GetMetricData calls (up to 500 metrics each)" }),
    findingsOpened: Type.Integer(),
    findingsUpdated: Type.Integer(),
    findingsResolved: Type.Integer(),
    recommendationsCreated: Type.Integer(),
    recommendationsClosed: Type.Integer(),
    samplesPruned: Type.Integer(),
    cloudMs: Type.Integer({ description: "Milliseconds waiting on the cloud" }),
    databaseMs: Type.Integer({ description: "Milliseconds waiting on the database" }),
    errors: Type.Array(
      Type.Object({
        scope: Type.Enum(["metrics", "resource"], { description: "A GetMetricData batch, or one resource's rules" }),
        message: Type.String(),
        queries: Type.Optional(Type.Integer({ description: "Queries in the failed batch" })),
        retryable: Type.Optional(Type.Boolean()),
        resourceId: Type.Optional(Uuid),
      }),
      { description: "What failed while the rest of the sweep went on (status partial)" },
    ),
    error: Type.Union([Type.String(), Type.Null()], { description: "Why the whole sweep failed" }),
  },
  { $id: "HealthSweep", description: "One health sweep: CloudWatch read, rules run, findings and recommendations" },
);

export const FindingListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...FINDING_STATUSES])),
    severity: Type.Optional(Type.Enum([...FINDING_SEVERITIES])),
    rule: Type.Optional(Type.Enum([...HEALTH_RULE_IDS])),
    environmentId: Type.Optional(Uuid),
    resourceId: Type.Optional(Uuid),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

export const RecommendationListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...RECOMMENDATION_STATUSES])),
    kind: Type.Optional(Type.Enum([...RECOMMENDATION_KINDS])),
    environmentId: Type.Optional(Uuid),
    resourceId: Type.Optional(Uuid),
    findingId: Type.Optional(Uuid),
    current: Type.Optional(
      Type.Boolean({ description: "true: still current (closedAt null); false: closed (superseded or resolved)" }),
    ),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

export const SweepListQuery = Type.Object(
  { status: Type.Optional(Type.Enum([...SWEEP_STATUSES])), ...PaginationQuery },
  { additionalProperties: false },
);

export const ApplyRecommendationBody = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: "Only plan: answer the operation's plan and change nothing" })),
  },
  { additionalProperties: false },
);

export const DismissRecommendationBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: "\\S",
      description: "Why it will not be carried out (or how it was, by hand)",
    }),
  },
  { additionalProperties: false },
);
