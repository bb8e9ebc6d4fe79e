import { OPERATION_KINDS, ROLES } from "@fastier/core";
import { Type } from "typebox";
import { Timestamp, Uuid } from "./common.ts";

export const RoleSchema = Type.Union(
  ROLES.map((role) => Type.Literal(role)),
  {
    description: "viewer < operator < admin",
  },
);
const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const ApiKey = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    role: RoleSchema,
    prefix: Type.String({ description: "First characters of the key, to recognise it" }),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    lastUsedAt: NullableTime,
    revokedAt: NullableTime,
  },
  { $id: "ApiKey" },
);

export const NewApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: "^[\\w .@-]+$" }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

export const CreatedApiKey = Type.Object({
  key: Type.String({ description: "The key itself; shown only in this response" }),
  apiKey: Type.Ref("ApiKey"),
});

export const CurrentApiKey = Type.Object(
  {
    id: Type.Union([Uuid, Type.Null()], { description: "The key's id (null for the control plane's own actor)" }),
    name: Type.String(),
    role: RoleSchema,
    actsAs: Type.Array(RoleSchema, { description: "Every role this key may act as: its own and those below it" }),
    mayRequest: Type.Array(Type.Enum([...OPERATION_KINDS]), {
      description: "The operation kinds whose role this key has, so a client can offer only what it may ask for",
    }),
  },
  { $id: "CurrentApiKey", description: "The API key a request was made with" },
);
