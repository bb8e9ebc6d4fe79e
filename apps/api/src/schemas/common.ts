import { type TSchema, Type } from "typebox";

export const Uuid = Type.String({ format: "uuid", maxLength: 36, description: "UUID" });
/** RFC 3339; the longest useful one ("2026-11-25T12:00:00.123456789+05:30") is 35 characters. */
export const Timestamp = Type.String({ format: "date-time", maxLength: 40 });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const Tags = Type.Record(
  Type.String({ minLength: 1, maxLength: 128, pattern: "^[\\w .:/=+@-]+$" }),
  Type.String({ maxLength: 256 }),
  {
    maxProperties: 50,
    description: "Key/value tags, as on AWS resources (at most 50)",
  },
);

export const PaginationQuery = {
  limit: Type.Optional(
    Type.Integer({
      format: "int32",
      minimum: 1,
      maximum: 200,
      default: 50,
      description: "Page size (default 50, at most 200)",
    }),
  ),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 1024, description: "`nextCursor` of the previous page" }),
  ),
};

export function pageOf<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: "Pass as `cursor` to get the next page; null on the last page",
      }),
    },
    { $id: `${name}Page` },
  );
}

export const IfMatchHeaders = Type.Object({
  "if-match": Type.Optional(
    Type.String({ maxLength: 64, description: "ETag of the version being changed; a stale one answers 412" }),
  ),
});
