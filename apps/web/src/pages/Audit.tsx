import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { FilterBar, FilterText, Pager } from "../components/Filters.tsx";
import { formatTime } from "../components/format.ts";
import { Async, Empty } from "../components/States.tsx";
import { TableScroll } from "../components/TableScroll.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

export function Audit({ location }: PageProps) {
  const { api } = useSession();
  const query = {
    action: location.query.get("action") ?? undefined,
    targetType: location.query.get("targetType") ?? undefined,
    targetId: location.query.get("targetId") ?? undefined,
    cursor: location.query.get("cursor") ?? undefined,
  };
  const log = useQuery(
    async (signal) => must(await api.GET("/v1/audit-events", { params: { query }, signal })),
    [location.query.toString()],
  );
  return (
    <section>
      <h1>Audit log</h1>
      <FilterBar>
        <FilterText location={location} name="action" label="Action" placeholder="e.g. operation.create" />
        <FilterText location={location} name="targetType" label="Target type" placeholder="e.g. resource" />
        <FilterText location={location} name="targetId" label="Target id" />
      </FilterBar>
      <Async query={log} what="the audit log">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No audit events match these filters.</Empty>
          ) : (
            <>
              <TableScroll label="Audit events">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">Action</th>
                      <th scope="col">Target</th>
                      <th scope="col">Request</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((event) => (
                      <tr key={event.id}>
                        <td>{formatTime(event.at)}</td>
                        <td>{event.actorName}</td>
                        <td>{event.action}</td>
                        <td>
                          {event.targetType} <span class="muted small">{event.targetId}</span>
                        </td>
                        <td class="muted small">{event.requestId ?? "—"}</td>
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
