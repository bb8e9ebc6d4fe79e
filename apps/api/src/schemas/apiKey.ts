import { ROLES } from "@fastier/core";
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
