import type { components } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { formatSeconds, formatTime, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { Async, Empty } from "../components/States.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

type Environment = components["schemas"]["Environment"];
type DrReadinessReport = components["schemas"]["DrReadinessReport"];

export function DrReadiness(_props: PageProps) {
  const { api } = useSession();
  const environments = useQuery(
    async (signal) => must(await api.GET("/v1/environments", { params: { query: { limit: 200 } }, signal })),
    [],
  );
  return (
    <section>
      <h1>DR readiness</h1>
      <Async query={environments} what="environments">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No environments yet.</Empty>
          ) : (
            page.items.map((environment) => <EnvironmentReadiness key={environment.id} environment={environment} />)
          )
        }
      </Async>
    </section>
  );
}

function EnvironmentReadiness(props: { environment: Environment }) {
  const { api } = useSession();
  const id = props.environment.id;
  const report = useQuery(
    async (signal) => must(await api.GET("/v1/environments/{id}/dr-readiness", { params: { path: { id } }, signal })),
    [id],
  );
  return (
    <article class="card" aria-labelledby={`dr-${id}`}>
      <h2 id={`dr-${id}`}>{props.environment.name}</h2>
      <Async query={report} what={`readiness of ${props.environment.name}`}>
        {(data) => <ReportView report={data} />}
      </Async>
    </article>
  );
}

function ReportView(props: { report: DrReadinessReport }) {
  const { report } = props;
  return (
    <>
      <p class="meta">
        <Badge value={report.status} /> assessed {formatTime(report.assessedAt)} · objectives: RTO{" "}
        {report.objectives.rtoMinutes ?? "—"} min, RPO {report.objectives.rpoMinutes ?? "—"} min
      </p>
      <Gaps gaps={report.gaps} />
      {report.databases.map((db) => (
        <section key={db.resourceId} class="database" aria-labelledby={`db-${db.resourceId}`}>
          <h3 id={`db-${db.resourceId}`}>
            <Link href={`/resources/${db.resourceId}`}>{db.identifier}</Link> <Badge value={db.status} />
          </h3>
          <dl class="figures">
            <div>
              <dt>Multi-AZ</dt>
              <dd>{db.multiAz === null ? "—" : db.multiAz ? "yes" : "no"}</dd>
            </div>
            <div>
              <dt>backups kept</dt>
              <dd>{db.backupRetentionDays ?? "—"} days</dd>
            </div>
            <div>
              <dt>estimated RPO</dt>
              <dd>{formatSeconds(db.estimatedRpoSeconds)}</dd>
            </div>
            <div>
              <dt>RTO by promoting a replica</dt>
              <dd>{formatSeconds(db.estimatedRto.promoteReplicaSeconds)}</dd>
            </div>
            <div>
              <dt>RTO by restoring</dt>
              <dd>
                {db.estimatedRto.restorePointInTime
                  ? `${formatSeconds(db.estimatedRto.restorePointInTime.minSeconds)}–${formatSeconds(db.estimatedRto.restorePointInTime.maxSeconds)}`
                  : "—"}
              </dd>
            </div>
            <div>
              <dt>last drill</dt>
              <dd>
                {db.evidence.lastDrill ? (
                  <Link href={`/operations/${db.evidence.lastDrill.operationId}`}>
                    {db.evidence.lastDrill.outcome}, RTO {formatSeconds(db.evidence.lastDrill.measuredRtoSeconds)}
                  </Link>
                ) : (
                  "none"
                )}
              </dd>
            </div>
          </dl>
          <p class="meta">
            Replicas:{" "}
            {db.replicas.length === 0
              ? "none"
              : db.replicas
                  .map((replica) => `${replica.identifier} (lag ${formatSeconds(replica.lagSeconds)})`)
                  .join(", ")}
            {" · "}Backups replicated to:{" "}
            {db.backupReplications.length === 0
              ? "nowhere"
              : db.backupReplications.map((copy) => `${copy.destinationRegion} (${copy.status})`).join(", ")}
          </p>
          <Gaps gaps={db.gaps} />
        </section>
      ))}
    </>
  );
}

function Gaps(props: { gaps: DrReadinessReport["gaps"] }) {
  if (props.gaps.length === 0) return null;
  return (
    <ul class="gaps">
      {props.gaps.map((gap) => (
        <li key={gap.code}>
          <Badge value={gap.severity} /> {humanize(gap.code)}: {gap.message}
        </li>
      ))}
    </ul>
  );
}
