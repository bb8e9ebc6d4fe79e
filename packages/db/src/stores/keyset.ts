import { type CursorPosition, encodeCursor, type Page } from "@fastier/core";

/**
 * Prisma `where` and `orderBy` for keyset pagination on (field, id), and the
 * page assembly from `limit + 1` rows.
 */
export function keysetWhere(field: string, descending: boolean, after: CursorPosition | undefined, isDate: boolean) {
  if (!after) return {};
  const value = isDate && typeof after.value === "string" ? new Date(after.value) : after.value;
  const beyond = descending ? "lt" : "gt";
  return { OR: [{ [field]: { [beyond]: value } }, { [field]: value, id: { [beyond]: after.id } }] };
}

export function keysetOrder(field: string, descending: boolean) {
  const direction = descending ? ("desc" as const) : ("asc" as const);
  return [{ [field]: direction }, { id: direction }];
}

export function toPage<Row extends { id: string | bigint }, Item>(
  rows: Row[],
  limit: number,
  sort: string,
  sortValue: (row: Row) => string | number | null,
  map: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last ? encodeCursor({ sort, value: sortValue(last), id: last.id.toString() }) : null,
  };
}
