import { FILTER_VALUES } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { FilterBar, FilterSelect, queryValue } from "../components/Filters.tsx";
import { formatTime, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { PagedTable } from "../components/PagedTable.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

export function Operations({ location }: PageProps) {
  const { api } = useSession();
  const query = {
    status: queryValue(location, "status", FILTER_VALUES.operationStatus),
    kind: queryValue(location, "kind", FILTER_VALUES.operationKind),
    targetResourceId: location.query.get("targetResourceId") ?? undefined,
    cursor: location.query.get("cursor") ?? undefined,
  };
  const list = useQuery(
    async (signal) => must(await api.GET("/v1/operations", { params: { query }, signal })),
    [location.query.toString()],
  );
  return (
    <section>
      <h1>Operations</h1>
      <FilterBar>
        <FilterSelect location={location} name="status" label="Status" options={FILTER_VALUES.operationStatus} />
        <FilterSelect location={location} name="kind" label="Kind" options={FILTER_VALUES.operationKind} />
      </FilterBar>
      <PagedTable
        query={list}
        location={location}
        what="operations"
        label="Operations"
        empty="No operations match these filters."
        columns={["Operation", "Status", "Step", "Requested by", "Requested", "Finished"]}
        cells={(operation) => (
          <>
            <td>
              <Link href={`/operations/${operation.id}`}>{humanize(operation.kind)}</Link>
              <div class="muted small">{operation.plan.summary}</div>
            </td>
            <td>
              <Badge value={operation.status} />
            </td>
            <td>{operation.step}</td>
            <td>{operation.requestedByName}</td>
            <td>{formatTime(operation.createdAt)}</td>
            <td>{formatTime(operation.finishedAt)}</td>
          </>
        )}
      />
    </section>
  );
}
