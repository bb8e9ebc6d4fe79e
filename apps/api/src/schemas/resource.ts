import { DB_ROLES, RESOURCE_KINDS, RESOURCE_SORTS, RESOURCE_STATUSES } from "@fastier/core";
import { Type } from "typebox";
import { PaginationQuery, Tags, Timestamp, Uuid } from "./common.ts";

// Enums rather than unions of literals: one clear "allowed values" error instead of one per value.
export const Kind = Type.Enum([...RESOURCE_KINDS], { description: "Resource kind" });
export const Status = Type.Enum([...RESOURCE_STATUSES]);
const NullableString = (maxLength: number) => Type.Union([Type.String({ minLength: 1, maxLength }), Type.Null()]);
const NullableTime = Type.Union([Timestamp, Type.Null()]);

const Capacity = Type.Object(
  {
    minSize: Type.Integer({ format: "int32", minimum: 0, maximum: 10_000 }),
    maxSize: Type.Integer({ format: "int32", minimum: 0, maximum: 10_000 }),
    desiredCapacity: Type.Integer({ format: "int32", minimum: 0, maximum: 10_000 }),
  },
  { additionalProperties: false, description: "Auto Scaling group capacity limits" },
);

const databaseFields = {
  role: Type.Enum([...DB_ROLES]),
  engine: NullableString(32),
  engineVersion: NullableString(32),
  sourceDbIdentifier: NullableString(255),
  multiAz: Type.Boolean(),
  backupRetentionDays: Type.Integer({ format: "int32", minimum: 0, maximum: 35 }),
  earliestRestorableTime: NullableTime,
  latestRestorableTime: NullableTime,
};

const Database = Type.Object(databaseFields, { additionalProperties: false, description: "RDS instance details" });
const DatabaseInput = Type.Object(
  {
    role: databaseFields.role,
    engine: Type.Optional(databaseFields.engine),
    engineVersion: Type.Optional(databaseFields.engineVersion),
    sourceDbIdentifier: Type.Optional(databaseFields.sourceDbIdentifier),
    multiAz: databaseFields.multiAz,
    backupRetentionDays: databaseFields.backupRetentionDays,
    earliestRestorableTime: Type.Optional(NullableTime),
    latestRestorableTime: Type.Optional(NullableTime),
  },
  { additionalProperties: false },
);
const DatabasePatch = Type.Object(
  Object.fromEntries(Object.entries(databaseFields).map(([key, schema]) => [key, Type.Optional(schema)])),
  { additionalProperties: false, minProperties: 1 },
);

const Pipeline = Type.Object(
  { stages: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }) },
  { additionalProperties: false },
);

const specFields = {
  status: Status,
  region: NullableString(32),
  availabilityZones: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 10, uniqueItems: true }),
  tags: Tags,
  attributes: Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), {
    maxProperties: 100,
    description: "Descriptive details that no operation acts on (DNS name, endpoint, ...)",
  }),
  instanceType: NullableString(64),
  capacity: Type.Union([Capacity, Type.Null()]),
  parentId: Type.Union([Uuid, Type.Null()], { description: "Group or environment this resource belongs to" }),
  pipeline: Type.Union([Pipeline, Type.Null()]),
};

const Name = Type.String({ minLength: 1, maxLength: 255 });

export const Resource = Type.Object(
  {
    id: Uuid,
    environmentId: Uuid,
    kind: Kind,
    name: Type.String(),
    cloudId: Type.String(),
    ...specFields,
    attributes: Type.Record(Type.String(), Type.Unknown()),
    database: Type.Union([Database, Type.Null()]),
    goneAt: Type.Union([Timestamp, Type.Null()], { description: "When a sync last found it missing from the cloud" }),
    lastSyncedAt: Type.Union([Timestamp, Type.Null()], { description: "When a sync last saw it in the cloud" }),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: "Resource" },
);

export const NewResourceBody = Type.Object(
  {
    environmentId: Uuid,
    kind: Kind,
    name: Name,
    cloudId: Type.String({ minLength: 1, maxLength: 2048, description: "ARN or provider identifier" }),
    ...Object.fromEntries(Object.entries(specFields).map(([key, schema]) => [key, Type.Optional(schema)])),
    database: Type.Optional(Type.Union([DatabaseInput, Type.Null()])),
  },
  { additionalProperties: false },
);

export const ResourcePatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    ...Object.fromEntries(Object.entries(specFields).map(([key, schema]) => [key, Type.Optional(schema)])),
    database: Type.Optional(Type.Union([DatabasePatch, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ResourceListQuery = Type.Object(
  {
    environmentId: Type.Optional(Uuid),
    kind: Type.Optional(Kind),
    status: Type.Optional(Status),
    namePrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    tag: Type.Optional(
      Type.String({ minLength: 1, maxLength: 400, pattern: "^[^=]+(=.*)?$", description: "`key` or `key=value`" }),
    ),
    sort: Type.Optional(
      Type.Union(
        RESOURCE_SORTS.map((sort) => Type.Literal(sort)),
        {
          default: "name",
          description: "Field to sort by; a leading `-` sorts descending",
        },
      ),
    ),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);
