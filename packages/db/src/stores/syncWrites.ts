import { randomUUID } from "node:crypto";
import { type AuditContext, type DesiredResource, keyOf, type Resource, type SyncPlan } from "@fastier/core";
import type pg from "pg";
import { writeAuditEvents } from "./auditBulkWriter.ts";
import { RESOURCE_COLUMNS, type ResourceColumnsRow } from "./resourceColumns.ts";
import { resourceFromRow, resourceSpecColumns, toDbKind } from "./rowMapping.ts";

/**
 * A sync's writes, each one statement per batch instead of one per resource (plain pg: set-based
 * SQL, packages/db/README.md). A 10,000-instance environment made ~11,000 single-row updates and as
 * many single audit inserts; these make a few dozen statements. Every function runs on the caller's
 * transaction and writes exactly the rows and audit events the per-row writes did.
 */

/** Rows per statement: each batch is one jsonb parameter. */
const BATCH_ROWS = 2_000;

/** The spec columns, with the SQL type `jsonb_to_recordset` reads each one as. */
const SPEC_COLUMN_TYPES: [column: string, type: string][] = [
  ["name", "text"],
  ["status", '"ResourceStatus"'],
  ["region", "text"],
  ["availability_zones", "text[]"],
  ["tags", "jsonb"],
  ["attributes", "jsonb"],
  ["instance_type", "text"],
  ["min_size", "int"],
  ["max_size", "int"],
  ["desired_capacity", "int"],
  ["db_role", '"DbRole"'],
  ["db_engine", "text"],
  ["db_engine_version", "text"],
  ["source_db_identifier", "text"],
  ["multi_az", "boolean"],
  ["backup_retention_days", "int"],
  ["earliest_restorable_time", "timestamptz"],
  ["latest_restorable_time", "timestamptz"],
  ["pipeline_stages", "text[]"],
];
const SPEC_RECORD = SPEC_COLUMN_TYPES.map(([column, type]) => `${column} ${type}`).join(", ");
const SPEC_NAMES = SPEC_COLUMN_TYPES.map(([column]) => column);

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** `resourceSpecColumns` keyed by column name, without the parent (linked in a later step). */
function specRecord(desired: DesiredResource): Record<string, unknown> {
  const { parentId: _linkedLater, ...columns } = resourceSpecColumns({
    ...desired.spec,
    parentId: null,
    name: desired.name,
  });
  return Object.fromEntries(Object.entries(columns).map(([name, value]) => [snakeCase(name), value]));
}

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_ROWS) await write(rows.slice(start, start + BATCH_ROWS));
}

/** Inserts the discovered resources (ids recorded in `idsByKey`), each with its `resource.discover` event. */
export async function createDiscovered(
  client: pg.ClientBase,
  environmentId: string,
  created: DesiredResource[],
  idsByKey: Map<string, string>,
  audit: AuditContext,
  now: Date,
) {
  const rows = created.map((desired) => {
    const id = randomUUID();
    idsByKey.set(keyOf(desired.kind, desired.cloudId), id);
    return { id, kind: toDbKind(desired.kind), cloud_id: desired.cloudId, ...specRecord(desired) };
  });
  await inBatches(rows, (batch) =>
    client.query(
      `INSERT INTO resources (id, environment_id, kind, cloud_id, last_synced_at, ${SPEC_NAMES.join(", ")})
       SELECT x.id, $2, x.kind, x.cloud_id, $3, ${SPEC_NAMES.map((name) => `x.${name}`).join(", ")}
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, kind "ResourceKind", cloud_id text, ${SPEC_RECORD})`,
      [JSON.stringify(batch), environmentId, now],
    ),
  );
  await writeAuditEvents(
    client,
    audit,
    created.map((desired, index) => ({
      action: "resource.discover",
      targetType: "resource",
      targetId: rows[index]!.id,
      after: { kind: desired.kind, cloudId: desired.cloudId, name: desired.name, ...desired.spec },
    })),
  );
}

/** Rewrites drifted resources from the cloud (parent kept), each with a `resource.drift` event showing the row after. */
export async function updateDrifted(
  client: pg.ClientBase,
  updates: SyncPlan["update"],
  audit: AuditContext,
  now: Date,
  writtenAt: Date,
) {
  if (updates.length === 0) return;
  await inBatches(updates, (batch) =>
    client.query(
      `UPDATE resources r
          SET ${SPEC_NAMES.map((name) => `${name} = x.${name}`).join(", ")},
              gone_at = NULL, last_synced_at = $2, version = r.version + 1, updated_at = $3
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, ${SPEC_RECORD})
        WHERE r.id = x.id`,
      [
        JSON.stringify(batch.map(({ current, desired }) => ({ id: current.id, ...specRecord(desired) }))),
        now,
        writtenAt,
      ],
    ),
  );
  const after = await readResources(
    client,
    updates.map(({ current }) => current.id),
  );
  await writeAuditEvents(
    client,
    audit,
    updates.map(({ current, changes }) => ({
      action: "resource.drift",
      targetType: "resource",
      targetId: current.id,
      before: current,
      after: { ...after.get(current.id), changes: changes.map((change) => change.field) },
    })),
  );
}

async function readResources(client: pg.ClientBase, ids: string[]): Promise<Map<string, Resource>> {
  const { rows } = await client.query<ResourceColumnsRow>(
    `SELECT ${RESOURCE_COLUMNS} FROM resources WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, resourceFromRow(row)]));
}

/**
 * Stamps the resources the sync saw unchanged. Restorable times move on their own and are not
 * drift, but the inventory should show the current ones: they are written where they moved.
 */
export async function touchUnchanged(
  client: pg.ClientBase,
  unchanged: SyncPlan["unchanged"],
  now: Date,
  writtenAt: Date,
) {
  const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  const moved = (current: Resource, desired: DesiredResource) => {
    const database = desired.spec.database;
    if (!database || !current.database) return false;
    return !(
      same(current.database.earliestRestorableTime, database.earliestRestorableTime) &&
      same(current.database.latestRestorableTime, database.latestRestorableTime)
    );
  };
  await inBatches(unchanged, (batch) => {
    const movedTimes = batch.map(({ current, desired }) => moved(current, desired));
    return client.query(
      `UPDATE resources r
          SET last_synced_at = $5, updated_at = $6,
              earliest_restorable_time = CASE WHEN x.moved THEN x.earliest ELSE r.earliest_restorable_time END,
              latest_restorable_time = CASE WHEN x.moved THEN x.latest ELSE r.latest_restorable_time END
         FROM unnest($1::uuid[], $2::boolean[], $3::timestamptz[], $4::timestamptz[]) AS x(id, moved, earliest, latest)
        WHERE r.id = x.id`,
      [
        batch.map(({ current }) => current.id),
        movedTimes,
        batch.map(({ desired }) => desired.spec.database?.earliestRestorableTime ?? null),
        batch.map(({ desired }) => desired.spec.database?.latestRestorableTime ?? null),
        now,
        writtenAt,
      ],
    );
  });
}

/** Marks resources absent from the cloud as gone, each with a `resource.gone` event. */
export async function markGone(
  client: pg.ClientBase,
  gone: Resource[],
  audit: AuditContext,
  now: Date,
  writtenAt: Date,
) {
  if (gone.length === 0) return;
  await client.query(
    `UPDATE resources SET status = 'GONE', gone_at = $2, version = version + 1, updated_at = $3
      WHERE id = ANY($1::uuid[])`,
    [gone.map((resource) => resource.id), now, writtenAt],
  );
  await writeAuditEvents(
    client,
    audit,
    gone.map((resource) => ({
      action: "resource.gone",
      targetType: "resource",
      targetId: resource.id,
      before: resource,
      after: { status: "gone", goneAt: now },
    })),
  );
}

/** Parents are named by cloud id in discovery; resolve them once every row exists, writing only the links that changed. */
export async function linkParents(
  client: pg.ClientBase,
  plan: SyncPlan,
  inventory: Resource[],
  idsByKey: Map<string, string>,
  writtenAt: Date,
) {
  const idsByCloudId = new Map<string, string>();
  for (const [key, id] of idsByKey) idsByCloudId.set(key.slice(key.indexOf("\u0000") + 1), id);
  const currentParent = new Map(inventory.map((r) => [r.id, r.parentId]));
  const all = [
    ...plan.create.map((desired) => ({ desired, id: idsByKey.get(keyOf(desired.kind, desired.cloudId)) })),
    ...plan.update.map(({ current, desired }) => ({ desired, id: current.id })),
    ...plan.unchanged.map(({ current, desired }) => ({ desired, id: current.id })),
  ];
  const links: { id: string; parentId: string | null }[] = [];
  for (const { desired, id } of all) {
    if (!id) continue;
    const parentId = desired.parentCloudId ? (idsByCloudId.get(desired.parentCloudId) ?? null) : null;
    if (parentId === id || (currentParent.get(id) ?? null) === parentId) continue;
    links.push({ id, parentId });
  }
  await inBatches(links, (batch) =>
    client.query(
      `UPDATE resources r SET parent_id = x.parent_id, updated_at = $3
         FROM unnest($1::uuid[], $2::uuid[]) AS x(id, parent_id)
        WHERE r.id = x.id`,
      [batch.map((link) => link.id), batch.map((link) => link.parentId), writtenAt],
    ),
  );
}
