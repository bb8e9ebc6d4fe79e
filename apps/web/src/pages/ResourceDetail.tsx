import type { components } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { DatabaseActions } from "../components/DatabaseActions.tsx";
import { formatTime, formatValue, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { MetricChart, RANGES, type RangeName } from "../components/MetricChart.tsx";
import { RecommendationCard } from "../components/RecommendationCard.tsx";
import { Async, Empty } from "../components/States.tsx";
import type { PageProps } from "../router.ts";
import { withQuery } from "../router.ts";
import { useSession } from "../session/context.ts";

type Resource = components["schemas"]["Resource"];
type MetricName = Parameters<typeof MetricChart>[0]["metric"];

/** The metrics sweeps store for each kind of resource (others have no charts). */
function chartsOf(resource: Resource): MetricName[] {
  if (resource.kind === "auto_scaling_group" || resource.kind === "instance")
    return ["mem_used_percent", "CPUUtilization"];
  if (resource.kind !== "db_instance") return [];
  const charts: MetricName[] = ["FreeableMemory", "CPUUtilization", "DatabaseConnections"];
  return resource.database?.role === "replica" ? [...charts, "ReplicaLag"] : charts;
}

export function ResourceDetail({ params, location }: PageProps) {
  const { api } = useSession();
  const id = params.id ?? "";
  const range: RangeName = location.query.get("range") === "7d" ? "7d" : "24h";
  const resource = useQuery(
    async (signal) => must(await api.GET("/v1/resources/{id}", { params: { path: { id } }, signal })),
    [id],
  );
  return (
    <section>
      <Async query={resource} what="the resource">
        {(data) => (
          <>
            <h1>
              {data.name} <Badge value={data.status} />
            </h1>
            <ResourceFacts resource={data} />
            <DatabaseActions resource={data} />
            {chartsOf(data).length > 0 && (
              <>
                <h2>Metrics</h2>
                <nav class="tabs" aria-label="Chart range">
                  {(Object.keys(RANGES) as RangeName[]).map((name) => (
                    <Link
                      key={name}
                      href={withQuery(location, { range: name === "24h" ? undefined : name })}
                      class={name === range ? "current" : ""}
                    >
                      {RANGES[name].label}
                    </Link>
                  ))}
                </nav>
                <div class="charts">
                  {chartsOf(data).map((metric) => (
                    <div key={`${metric}-${range}`}>
                      <h3>{metric}</h3>
                      <MetricChart resourceId={data.id} metric={metric} range={range} />
                    </div>
                  ))}
                </div>
              </>
            )}
            <Related resourceId={data.id} />
          </>
        )}
      </Async>
    </section>
  );
}

function ResourceFacts(props: { resource: Resource }) {
  const r = props.resource;
  const facts: [string, unknown][] = [
    ["kind", humanize(r.kind)],
    ["cloud id", r.cloudId],
    ["region", r.region],
    ["availability zones", r.availabilityZones.join(", ")],
    ["instance type", r.instanceType],
    ["capacity", r.capacity && `${r.capacity.desiredCapacity} (min ${r.capacity.minSize}, max ${r.capacity.maxSize})`],
    ["database role", r.database?.role],
    ["Multi-AZ", r.database && (r.database.multiAz ? "yes" : "no")],
    ["backup retention", r.database && `${r.database.backupRetentionDays} days`],
    ["last synced", formatTime(r.lastSyncedAt)],
  ];
  return (
    <dl class="figures">
      {facts
        .filter(([, value]) => value !== null && value !== undefined && value !== "")
        .map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{formatValue(value)}</dd>
          </div>
        ))}
    </dl>
  );
}

function Related(props: { resourceId: string }) {
  const { api } = useSession();
  const resourceId = props.resourceId;
  const related = useQuery(
    async (signal) => {
      const [findings, recommendations, operations] = await Promise.all([
        api.GET("/v1/findings", { params: { query: { resourceId, status: "open" } }, signal }).then(must),
        api
          .GET("/v1/recommendations", { params: { query: { resourceId, status: "open", current: true } }, signal })
          .then(must),
        api
          .GET("/v1/operations", { params: { query: { targetResourceId: resourceId, limit: 10 } }, signal })
          .then(must),
      ]);
      return { findings: findings.items, recommendations: recommendations.items, operations: operations.items };
    },
    [resourceId],
  );
  return (
    <Async query={related} what="findings, recommendations and operations">
      {(data) => (
        <>
          <h2>Open findings</h2>
          {data.findings.length === 0 ? (
            <Empty>No open findings.</Empty>
          ) : (
            <ul class="plain">
              {data.findings.map((finding) => (
                <li key={finding.id}>
                  <Badge value={finding.severity} /> <Link href={`/findings/${finding.id}`}>{finding.summary}</Link>
                </li>
              ))}
            </ul>
          )}
          <h2>Recommendations</h2>
          {data.recommendations.length === 0 ? (
            <Empty>Nothing to act on.</Empty>
          ) : (
            data.recommendations.map((rec) => (
              <RecommendationCard key={rec.id} recommendation={rec} onChanged={related.reload} />
            ))
          )}
          <h2>Recent operations</h2>
          {data.operations.length === 0 ? (
            <Empty>No operations on this resource yet.</Empty>
          ) : (
            <ul class="plain">
              {data.operations.map((operation) => (
                <li key={operation.id}>
                  <Link href={`/operations/${operation.id}`}>{humanize(operation.kind)}</Link>{" "}
                  <Badge value={operation.status} /> <span class="muted">{formatTime(operation.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Async>
  );
}
