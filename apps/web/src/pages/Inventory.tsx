import { FILTER_VALUES } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { FilterBar, FilterSelect, FilterText, queryValue } from "../components/Filters.tsx";
import { formatTime, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { PagedTable } from "../components/PagedTable.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

const PAGE_SIZE = 50;

export function Inventory({ location }: PageProps) {
  const { api } = useSession();
  const query = {
    kind: queryValue(location, "kind", FILTER_VALUES.resourceKind),
    status: queryValue(location, "status", FILTER_VALUES.resourceStatus),
    namePrefix: location.query.get("namePrefix") ?? undefined,
    tag: location.query.get("tag") ?? undefined,
    sort: "name" as const,
    limit: PAGE_SIZE,
    cursor: location.query.get("cursor") ?? undefined,
  };
  const list = useQuery(
    async (signal) => must(await api.GET("/v1/resources", { params: { query }, signal })),
    [location.query.toString()],
  );
  return (
    <section>
      <h1>Inventory</h1>
      <FilterBar>
        <FilterSelect location={location} name="kind" label="Kind" options={FILTER_VALUES.resourceKind} />
        <FilterSelect location={location} name="status" label="Status" options={FILTER_VALUES.resourceStatus} />
        <FilterText location={location} name="namePrefix" label="Name starts with" />
        <FilterText location={location} name="tag" label="Tag" placeholder="key or key=value" />
      </FilterBar>
      <PagedTable
        query={list}
        location={location}
        what="the inventory"
        label="Resources"
        empty="No resources match these filters."
        columns={["Name", "Kind", "Status", "Type / capacity", "Last synced"]}
        cells={(resource) => (
          <>
            <td>
              <Link href={`/resources/${resource.id}`}>{resource.name}</Link>
            </td>
            <td>{humanize(resource.kind)}</td>
            <td>
              <Badge value={resource.status} />
            </td>
            <td>
              {resource.instanceType ?? ""}
              {resource.capacity &&
                ` ${resource.capacity.desiredCapacity} (${resource.capacity.minSize}–${resource.capacity.maxSize})`}
            </td>
            <td>{formatTime(resource.lastSyncedAt)}</td>
          </>
        )}
      />
    </section>
  );
}
