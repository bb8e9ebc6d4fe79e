import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { formatTime } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { Async, Empty } from "../components/States.tsx";
import type { PageProps } from "../router.ts";
import { withQuery } from "../router.ts";
import { useSession } from "../session/context.ts";

/** Where an entry of the activity feed leads in the dashboard. */
function linkOf(type: string, id: string): string | null {
  if (type === "operation") return `/operations/${id}`;
  if (type === "finding") return `/findings/${id}`;
  return null;
}

export function Activity({ location }: PageProps) {
  const { api } = useSession();
  const before = location.query.get("before") ?? undefined;
  const feed = useQuery(
    async (signal) => must(await api.GET("/v1/activity", { params: { query: { before, limit: 50 } }, signal })),
    [before],
  );
  return (
    <section>
      <h1>Activity</h1>
      <Async query={feed} what="recent activity">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>Nothing has happened yet.</Empty>
          ) : (
            <>
              <ol class="timeline">
                {page.items.map((entry) => {
                  const href = linkOf(entry.type, entry.id);
                  return (
                    <li key={`${entry.event}-${entry.id}-${entry.at}`}>
                      <span class="when">{formatTime(entry.at)}</span>{" "}
                      <Badge value={entry.event.split(".")[1] ?? entry.event}>{entry.event}</Badge>{" "}
                      {href ? <Link href={href}>{entry.title}</Link> : <span>{entry.title}</span>}
                    </li>
                  );
                })}
              </ol>
              <nav class="pager" aria-label="Pages">
                {before && <Link href={withQuery(location, { before: undefined })}>Newest</Link>}
                {page.nextBefore && <Link href={withQuery(location, { before: page.nextBefore })}>Older</Link>}
              </nav>
            </>
          )
        }
      </Async>
    </section>
  );
}
