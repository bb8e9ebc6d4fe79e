import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { FilterBar, FilterText } from "../components/Filters.tsx";
import { formatTime } from "../components/format.ts";
import { PagedTable } from "../components/PagedTable.tsx";
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
      <PagedTable
        query={log}
        location={location}
        what="the audit log"
        label="Audit events"
        empty="No audit events match these filters."
        columns={["When", "Who", "Action", "Target", "Request"]}
        cells={(event) => (
          <>
            <td>{formatTime(event.at)}</td>
            <td>{event.actorName}</td>
            <td>{event.action}</td>
            <td>
              {event.targetType} <span class="muted small">{event.targetId}</span>
            </td>
            <td class="muted small">{event.requestId ?? "—"}</td>
          </>
        )}
      />
    </section>
  );
}
