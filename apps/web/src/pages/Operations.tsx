import { FILTER_VALUES } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { FilterBar, FilterSelect, Pager, queryValue } from "../components/Filters.tsx";
import { formatTime, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { Async, Empty } from "../components/States.tsx";
import { TableScroll } from "../components/TableScroll.tsx";
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
      <Async query={list} what="operations">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No operations match these filters.</Empty>
          ) : (
            <>
              <TableScroll label="Operations">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Operation</th>
                      <th scope="col">Status</th>
                      <th scope="col">Step</th>
                      <th scope="col">Requested by</th>
                      <th scope="col">Requested</th>
                      <th scope="col">Finished</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((operation) => (
                      <tr key={operation.id}>
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
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              <Pager location={location} nextCursor={page.nextCursor} />
            </>
          )
        }
      </Async>
    </section>
  );
}
