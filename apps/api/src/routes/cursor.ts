import { type CursorPosition, decodeCursor, ValidationError } from "@fastier/core";
import { isUnstorableText } from "../plugins/validation.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A keyset cursor over environments, resources or operations: a UUID id and,
 * for the sort, a name or an ISO timestamp. Cursors are only base64 JSON, so a client can
 * forge one; anything but what this API issues is a 400, never a failed query.
 */
export function decodeKeysetCursor(cursor: string, sort: string): CursorPosition {
  const position = decodeCursor(cursor, sort);
  const { value, id } = position;
  const byTime = sort.replace(/^-/, "") !== "name";
  const valueFits =
    typeof value === "string" &&
    (byTime ? ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) : !isUnstorableText(value));
  if (!UUID.test(id) || !valueFits) {
    throw new ValidationError(
      [
        {
          field: "/cursor",
          rule: "cursor",
          message: "cursor is not one this API issued; start again without it",
          in: "querystring",
        },
      ],
      "invalid_cursor",
    );
  }
  return position;
}
