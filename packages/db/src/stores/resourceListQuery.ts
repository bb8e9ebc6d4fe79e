import type { ResourceQuery } from "@fastier/core";
import { RESOURCE_COLUMNS } from "./resourceColumns.ts";
import { toDbKind, toDbStatus } from "./rowMapping.ts";

const SORT_COLUMNS = { name: "name", createdAt: "created_at", updatedAt: "updated_at" } as const;

/** LIKE treats % and _ as wildcards; a name prefix must match them literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Statement names by SQL text. Every filter is a parameter, so the texts are the few combinations
 * of filters, sort and cursor (under 600), and the map stays small.
 */
const statementNames = new Map<string, string>();

/**
 * A named statement is parsed once per pooled connection; unnamed, PostgreSQL parsed and
 * described this text again on every request, on the same CPUs the API runs on.
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `resource_list_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * The resource list as one parameterised SQL statement. This is the API's
 * busiest read; Prisma's per-query compilation cost about two thirds of its
 * throughput here (see README, Benchmark), so it is served by plain pg.
 */
export function resourceListQuery(query: ResourceQuery): { name: string; text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown, cast = "") => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const where: string[] = [];
  if (query.environmentId) where.push(`environment_id = ${param(query.environmentId, "::uuid")}`);
  if (query.kind) where.push(`kind = ${param(toDbKind(query.kind), '::"ResourceKind"')}`);
  if (query.status) where.push(`status = ${param(toDbStatus(query.status), '::"ResourceStatus"')}`);
  if (query.namePrefix) where.push(`name LIKE ${param(`${escapeLike(query.namePrefix)}%`)}`);
  if (query.tag) {
    where.push(
      query.tag.value === undefined
        ? `tags ? ${param(query.tag.key)}`
        : `tags ->> ${param(query.tag.key)} = ${param(query.tag.value)}`,
    );
  }
  const descending = query.sort.startsWith("-");
  const column = SORT_COLUMNS[(descending ? query.sort.slice(1) : query.sort) as keyof typeof SORT_COLUMNS];
  if (query.after) {
    const value = column === "name" ? query.after.value : new Date(String(query.after.value));
    where.push(`(${column}, id) ${descending ? "<" : ">"} (${param(value)}, ${param(query.after.id, "::uuid")})`);
  }
  const direction = descending ? "DESC" : "ASC";
  const text = `SELECT ${RESOURCE_COLUMNS} FROM resources
    ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ${column} ${direction}, id ${direction}
    LIMIT ${param(query.limit + 1)}`;
  return { name: statementName(text), text, values };
}
