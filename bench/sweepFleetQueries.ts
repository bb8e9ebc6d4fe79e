import { type CloudPort, type MetricQuery, RESOURCE_KINDS, type Resource, sweepQueryPlan } from "@fastier/core";

/**
 * The metric queries a sweep of the simulated account makes, without an
 * inventory database: the account's discovered resources as inventory rows,
 * in the order the sweep reads them (kind, then name), through the sweep's own
 * query plan.
 */
export async function sweepQueriesOfCloud(cloud: CloudPort, asOf: Date): Promise<MetricQuery[]> {
  const { resources } = await cloud.discovery.discover();
  const kindOrder = (kind: Resource["kind"]) => RESOURCE_KINDS.indexOf(kind);
  const rows = resources.map(
    ({ parentCloudId: _parent, ...discovered }): Resource => ({
      ...discovered,
      id: `${discovered.kind}:${discovered.cloudId}`,
      environmentId: "bench",
      parentId: null,
      goneAt: null,
      lastSyncedAt: asOf,
      version: 1,
      createdAt: asOf,
      updatedAt: asOf,
    }),
  );
  rows.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...sweepQueryPlan(rows).queries()];
}
