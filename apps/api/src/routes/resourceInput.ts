import type { DatabaseSpec, NewResource, ResourcePatch } from "@fastier/core";

/** JSON carries times as ISO strings; the domain wants Dates. */
function databaseTimes(database: Record<string, unknown>): Partial<DatabaseSpec> {
  const toDate = (value: unknown) =>
    value === undefined ? undefined : value === null ? null : new Date(String(value));
  const { earliestRestorableTime, latestRestorableTime, ...rest } = database;
  const out: Partial<DatabaseSpec> = { ...(rest as Partial<DatabaseSpec>) };
  const earliest = toDate(earliestRestorableTime);
  const latest = toDate(latestRestorableTime);
  if (earliest !== undefined) out.earliestRestorableTime = earliest;
  if (latest !== undefined) out.latestRestorableTime = latest;
  return out;
}

export function newResourceFromBody(body: Record<string, unknown>): NewResource {
  const { database, ...rest } = body as unknown as NewResource & { database?: Record<string, unknown> | null };
  const input = { ...rest } as NewResource;
  if (database === null) input.database = null;
  else if (database) {
    input.database = {
      engine: null,
      engineVersion: null,
      sourceDbIdentifier: null,
      earliestRestorableTime: null,
      latestRestorableTime: null,
      ...databaseTimes(database),
    } as DatabaseSpec;
  }
  return input;
}

export function resourcePatchFromBody(body: Record<string, unknown>): ResourcePatch {
  const { database, ...rest } = body as unknown as ResourcePatch & { database?: Record<string, unknown> | null };
  const patch = { ...rest } as ResourcePatch;
  if (database === null) patch.database = null;
  else if (database) patch.database = databaseTimes(database);
  return patch;
}

export function parseTagFilter(tag: string | undefined): { key: string; value?: string } | undefined {
  if (tag === undefined) return undefined;
  const at = tag.indexOf("=");
  return at === -1 ? { key: tag } : { key: tag.slice(0, at), value: tag.slice(at + 1) };
}
