import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { formatEvidence, formatTime, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { RecommendationCard } from "../components/RecommendationCard.tsx";
import { Async, Empty } from "../components/States.tsx";
import { TableScroll } from "../components/TableScroll.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

export function FindingDetail({ params }: PageProps) {
  const { api } = useSession();
  const id = params.id ?? "";
  const finding = useQuery(
    async (signal) => must(await api.GET("/v1/findings/{id}", { params: { path: { id } }, signal })),
    [id],
  );
  return (
    <section>
      <Async query={finding} what="the finding">
        {(data) => (
          <>
            <h1>{data.summary}</h1>
            <p class="meta">
              <Badge value={data.severity} /> <Badge value={data.status} /> {humanize(data.ruleId)} on{" "}
              <Link href={`/resources/${data.resourceId}`}>{data.resourceName}</Link> · opened{" "}
              {formatTime(data.openedAt)} · last seen {formatTime(data.lastSeenAt)}
              {data.resolvedAt && (
                <>
                  {" "}
                  · resolved {formatTime(data.resolvedAt)}
                  {data.resolution && `: ${data.resolution}`}
                </>
              )}
            </p>
            <h2>Evidence</h2>
            {data.evidence.length === 0 ? (
              <Empty>No datapoints recorded.</Empty>
            ) : (
              <TableScroll label="Evidence">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Metric</th>
                      <th scope="col">Time</th>
                      <th scope="col">Value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.evidence.map((point) => (
                      <tr key={`${point.metric}-${point.timestamp}`}>
                        <td>{point.metric}</td>
                        <td>{formatTime(point.timestamp)}</td>
                        <td>{formatEvidence(point.value, point.unit)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <h2>Recommendations</h2>
            {data.recommendations.length === 0 ? (
              <Empty>No recommendations for this finding.</Empty>
            ) : (
              data.recommendations.map((rec) => (
                <RecommendationCard key={rec.id} recommendation={rec} onChanged={finding.reload} />
              ))
            )}
          </>
        )}
      </Async>
    </section>
  );
}
