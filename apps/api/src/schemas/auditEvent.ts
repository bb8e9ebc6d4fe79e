import { Type } from "typebox";
import { PaginationQuery, Timestamp } from "./common.ts";

export const AuditEvent = Type.Object(
  {
    id: Type.String({ description: "Increasing event number" }),
    at: Timestamp,
    actorKeyId: Type.Union([Type.String(), Type.Null()]),
    actorName: Type.String(),
    action: Type.String({ description: "e.g. resource.update" }),
    targetType: Type.String(),
    targetId: Type.String(),
    before: Type.Unknown(),
    after: Type.Unknown(),
    requestId: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: "AuditEvent" },
);

export const AuditQuery = Type.Object(
  {
    targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    actorKeyId: Type.Optional(Type.String({ format: "uuid", maxLength: 36 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(
      Type.String({ format: "date-time", maxLength: 40, description: "Events at or after this time" }),
    ),
    to: Type.Optional(Type.String({ format: "date-time", maxLength: 40, description: "Events before this time" })),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);
