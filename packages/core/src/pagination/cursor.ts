import { ValidationError } from "../errors.ts";

/**
 * Keyset pagination: a cursor names the last row of a page by its sort value
 * and id, so pages stay stable while rows are added or removed.
 */
export interface CursorPosition {
  sort: string;
  value: string | number | null;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString("base64url");
}

export function decodeCursor(cursor: string, expectedSort: string): CursorPosition {
  const invalid = (message: string) =>
    new ValidationError([{ field: "/cursor", rule: "cursor", message, in: "querystring" }], "invalid_cursor");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("cursor is not one this API issued; start again without it");
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== "string" ||
    typeof parsed[2] !== "string" ||
    !(typeof parsed[1] === "string" || typeof parsed[1] === "number" || parsed[1] === null)
  ) {
    throw invalid("cursor is not one this API issued; start again without it");
  }
  if (parsed[0] !== expectedSort) {
    throw invalid(`cursor was issued for sort=${parsed[0]}, not sort=${expectedSort}`);
  }
  return { sort: parsed[0], value: parsed[1], id: parsed[2] };
}
