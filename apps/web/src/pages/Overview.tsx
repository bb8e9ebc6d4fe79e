import type { components } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { formatPercent, formatTime, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { MetricChart } from "../components/MetricChart.tsx";
import { Async, Empty } from "../components/States.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

type EnvironmentOverview = components["schemas"]["FleetOverview"]["environments"][number];

/** The overview refreshes by itself at this pace. */
export const OVERVIEW_REFRESH_MS = 15_000;
/** Small charts for the groups under the most memory pressure; the rest are listed with their numbers. */
const CHARTED_GROUPS = 6;

export function Overview(_props: PageProps) {
  const { api } = useSession();
  const overview = useQuery(async (signal) => must(await api.GET("/v1/dashboard", { signal })), [], {
    refreshMs: OVERVIEW_REFRESH_MS,
  });
  return (
    <section>
      <h1>Overview</h1>
      <Async query={overview} what="the fleet overview">
        {(data) => (
          <>
            <p class="meta">
              Last health sweep:{" "}
              {data.lastSweep ? (
                <>
                  <Badge value={data.lastSweep.status} />{" "}
                  {formatTime(data.lastSweep.finishedAt ?? data.lastSweep.startedAt)}
                </>
              ) : (
                "none yet"
              )}
              {" · "}Updated {formatTime(data.generatedAt)}, refreshes every {OVERVIEW_REFRESH_MS / 1000} s
            </p>
            {data.environments.length === 0 ? (
              <Empty>No environments yet. Create one with POST /v1/environments and sync it.</Empty>
            ) : (
              data.environments.map((environment) => <EnvironmentCard key={environment.id} environment={environment} />)
            )}
          </>
        )}
      </Async>
    </section>
  );
}

function EnvironmentCard(props: { environment: EnvironmentOverview }) {
  const env = props.environment;
  const byPeak = [...env.memory].sort((a, b) => (b.peakPercent ?? -1) - (a.peakPercent ?? -1));
  const findingsLink = (severity: string) => `/findings?status=open&environmentId=${env.id}&severity=${severity}`;
  return (
    <article class="card environment" aria-labelledby={`env-${env.id}`}>
      <header>
        <h2 id={`env-${env.id}`}>
          {env.name} <span class="muted">{env.region}</span>
        </h2>
        <Badge value={env.health}>{env.health === "healthy" ? "healthy" : `${env.health}`}</Badge>
      </header>
      <dl class="figures">
        {(["critical", "warning", "info"] as const).map((severity) => (
          <div key={severity}>
            <dt>{severity} findings</dt>
            <dd>
              <Link href={findingsLink(severity)}>{env.openFindings[severity]}</Link>
            </dd>
          </div>
        ))}
        <div>
          <dt>open recommendations</dt>
          <dd>
            <Link href={`/recommendations?status=open&environmentId=${env.id}`}>{env.openRecommendations}</Link>
          </dd>
        </div>
        <div>
          <dt>running operations</dt>
          <dd>
            <Link href="/operations">{env.runningOperations.length}</Link>
          </dd>
        </div>
      </dl>
      {env.runningOperations.length > 0 && (
        <ul class="running">
          {env.runningOperations.map((operation) => (
            <li key={operation.id}>
              <Link href={`/operations/${operation.id}`}>{humanize(operation.kind)}</Link>{" "}
              <Badge value={operation.status} /> <span class="muted">step {operation.step}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Memory of the Auto Scaling groups</h3>
      {byPeak.length === 0 ? (
        <Empty>No Auto Scaling groups in this environment.</Empty>
      ) : (
        <div class="groups">
          {byPeak.map((group, index) => (
            <div class="group" key={group.resourceId}>
              <div class="group-head">
                <Link href={`/resources/${group.resourceId}`}>{group.name}</Link>
                <span class="muted">
                  {group.instanceType ?? "—"} × {group.desiredCapacity ?? "—"}
                </span>
              </div>
              <p class="headline">
                now <strong>{formatPercent(group.currentPercent)}</strong> · 24 h peak{" "}
                <strong>{formatPercent(group.peakPercent)}</strong>
              </p>
              {index < CHARTED_GROUPS && (
                <MetricChart
                  resourceId={group.resourceId}
                  metric="mem_used_percent"
                  compact
                  label={`Memory of ${group.name} over 24 hours`}
                />
              )}
            </div>
          ))}
        </div>
      )}
    </article>
  );
}
