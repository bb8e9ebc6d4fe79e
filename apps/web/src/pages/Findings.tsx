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

export function Findings({ location }: PageProps) {
  const { api } = useSession();
  const query = {
    status: queryValue(location, "status", FILTER_VALUES.findingStatus, "open"),
    severity: queryValue(location, "severity", FILTER_VALUES.findingSeverity),
    rule: queryValue(location, "rule", FILTER_VALUES.findingRule),
    environmentId: location.query.get("environmentId") ?? undefined,
    resourceId: location.query.get("resourceId") ?? undefined,
    cursor: location.query.get("cursor") ?? undefined,
  };
  const findings = useQuery(
    async (signal) => must(await api.GET("/v1/findings", { params: { query }, signal })),
    [location.query.toString()],
  );
  return (
    <section>
      <h1>Findings</h1>
      <FilterBar>
        <FilterSelect
          location={location}
          name="status"
          label="Status"
          options={FILTER_VALUES.findingStatus}
          fallback="open"
        />
        <FilterSelect location={location} name="severity" label="Severity" options={FILTER_VALUES.findingSeverity} />
        <FilterSelect location={location} name="rule" label="Rule" options={FILTER_VALUES.findingRule} />
      </FilterBar>
      <PagedTable
        query={findings}
        location={location}
        what="findings"
        label="Findings"
        empty="No findings match these filters."
        columns={["Severity", "Finding", "Resource", "Rule", "Opened", "Status"]}
        cells={(finding) => (
          <>
            <td>
              <Badge value={finding.severity} />
            </td>
            <td>
              <Link href={`/findings/${finding.id}`}>{finding.summary}</Link>
            </td>
            <td>
              <Link href={`/resources/${finding.resourceId}`}>{finding.resourceName}</Link>
            </td>
            <td>{humanize(finding.ruleId)}</td>
            <td>{formatTime(finding.openedAt)}</td>
            <td>
              <Badge value={finding.status} />
            </td>
          </>
        )}
      />
    </section>
  );
}
