import {
  ACTIVITY_TYPES,
  DEFAULT_SERIES_PERIOD_SECONDS,
  ENVIRONMENT_HEALTH,
  MAX_SERIES_POINTS,
  MAX_SERIES_RANGE_MS,
  OPERATION_KINDS,
  SERIES_PERIOD_STEP_SECONDS,
  SERIES_STATS,
  SWEEP_STATUSES,
  SWEPT_METRIC_NAMES,
} from "@fastier/core";
import { Type } from "typebox";
import { PaginationQuery, Timestamp, Uuid } from "./common.ts";

const NullableTime = Type.Union([Timestamp, Type.Null()]);

const EnvironmentOverview = Type.Object({
  id: Uuid,
  name: Type.String(),
  region: Type.String(),
  health: Type.Enum([...ENVIRONMENT_HEALTH], {
    description: "The worst severity among open findings; info findings count as healthy",
  }),
  openFindings: Type.Object({ critical: Type.Integer(), warning: Type.Integer(), info: Type.Integer() }),
  openRecommendations: Type.Integer({ description: "Recommendations open and current" }),
  runningOperations: Type.Array(
    Type.Object({
      id: Uuid,
      kind: Type.Enum([...OPERATION_KINDS]),
      status: Type.Enum(["pending", "running"]),
      step: Type.String(),
      targetResourceId: Uuid,
      createdAt: Timestamp,
    }),
    { description: "Pending and running operations, newest first" },
  ),
  memory: Type.Array(
    Type.Object({
      resourceId: Uuid,
      name: Type.String(),
      instanceType: Type.Union([Type.String(), Type.Null()]),
      desiredCapacity: Type.Union([Type.Integer(), Type.Null()]),
      currentPercent: Type.Union([Type.Number(), Type.Null()], {
        description: "The latest stored 5-minute maximum of mem_used_percent; null before a sweep stored one",
      }),
      currentAt: NullableTime,
      peakPercent: Type.Union([Type.Number(), Type.Null()], {
        description: "The highest 5-minute maximum in the 24 hours before now",
      }),
      peakAt: NullableTime,
    }),
    { description: "Memory headline of each Auto Scaling group that is not gone" },
  ),
});

export const FleetOverview = Type.Object(
  {
    generatedAt: Timestamp,
    environments: Type.Array(EnvironmentOverview),
    lastSweep: Type.Union([
      Type.Object({
        id: Uuid,
        status: Type.Enum([...SWEEP_STATUSES]),
        startedAt: Timestamp,
        finishedAt: NullableTime,
      }),
      Type.Null(),
    ]),
  },
  { $id: "FleetOverview", description: "Every environment at a glance, by name" },
);

export const MetricSeries = Type.Object(
  {
    resourceId: Uuid,
    metric: Type.String(),
    stat: Type.Enum([...SERIES_STATS]),
    period: Type.Integer({ description: "Bucket size in seconds" }),
    from: Timestamp,
    to: Timestamp,
    points: Type.Array(
      Type.Object({
        timestamp: Type.String({ format: "date-time", maxLength: 40, description: "Start of the bucket" }),
        value: Type.Number(),
      }),
      { description: "Oldest first; buckets without samples are left out" },
    ),
  },
  { $id: "MetricSeries" },
);

export const MetricSeriesQuery = Type.Object(
  {
    name: Type.Enum([...SWEPT_METRIC_NAMES], { description: "A metric health sweeps store for this kind of resource" }),
    stat: Type.Optional(
      Type.Enum([...SERIES_STATS], {
        description: "Default: Minimum for FreeableMemory, Maximum otherwise. Must be a statistic sweeps store.",
      }),
    ),
    from: Type.Optional(
      Type.String({ format: "date-time", maxLength: 40, description: "Start (inclusive); default: to − 24 h" }),
    ),
    to: Type.Optional(
      Type.String({ format: "date-time", maxLength: 40, description: "End (exclusive); default: now" }),
    ),
    period: Type.Optional(
      Type.Integer({
        format: "int32",
        minimum: SERIES_PERIOD_STEP_SECONDS,
        multipleOf: SERIES_PERIOD_STEP_SECONDS,
        maximum: MAX_SERIES_RANGE_MS / 1000,
        default: DEFAULT_SERIES_PERIOD_SECONDS,
        description:
          `Bucket size in seconds, a multiple of 60 and at least the stored period (default ${DEFAULT_SERIES_PERIOD_SECONDS}); ` +
          `the range may hold at most ${MAX_SERIES_POINTS} buckets`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const ActivityEntry = Type.Object(
  {
    type: Type.Enum([...ACTIVITY_TYPES]),
    event: Type.String({
      description:
        "operation.created / succeeded / failed / cancelled, finding.opened / resolved, sync.succeeded / failed, " +
        "sweep.succeeded / partial / failed",
    }),
    at: Timestamp,
    id: Type.String({ description: "Id of the operation, finding, sync run or health sweep" }),
    environmentId: Type.Union([Uuid, Type.Null()]),
    resourceId: Type.Union([Uuid, Type.Null()]),
    title: Type.String({ description: "One line a person can read" }),
  },
  { $id: "ActivityEntry" },
);

export const ActivityPage = Type.Object(
  {
    items: Type.Array(Type.Ref("ActivityEntry")),
    nextBefore: Type.Union([Timestamp, Type.Null()], {
      description:
        "Pass as `before` for the next page; null when nothing older is left. A page never ends part-way " +
        "through one instant, so it can hold fewer than `limit` entries (or more, when one instant holds more)",
    }),
  },
  { $id: "ActivityPage" },
);

export const ActivityQuery = Type.Object(
  {
    limit: PaginationQuery.limit,
    before: Type.Optional(
      Type.String({ format: "date-time", maxLength: 40, description: "Only entries strictly older than this" }),
    ),
    environmentId: Type.Optional(
      Type.String({
        format: "uuid",
        maxLength: 36,
        description: "Only this environment's entries (health sweeps are left out)",
      }),
    ),
  },
  { additionalProperties: false },
);
