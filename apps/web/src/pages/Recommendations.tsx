import { FILTER_VALUES } from "@fastier/client";
import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { FilterBar, FilterSelect, Pager, queryValue } from "../components/Filters.tsx";
import { RecommendationCard } from "../components/RecommendationCard.tsx";
import { Async, Empty } from "../components/States.tsx";
import type { PageProps } from "../router.ts";
import { useSession } from "../session/context.ts";

export function Recommendations({ location }: PageProps) {
  const { api } = useSession();
  const status = queryValue(location, "status", FILTER_VALUES.recommendationStatus, "open");
  const query = {
    status,
    kind: queryValue(location, "kind", FILTER_VALUES.recommendationKind),
    environmentId: location.query.get("environmentId") ?? undefined,
    // Open ones that a newer sweep has not replaced: what there is still to act on.
    current: status === "open" ? true : undefined,
    cursor: location.query.get("cursor") ?? undefined,
  };
  const list = useQuery(
    async (signal) => must(await api.GET("/v1/recommendations", { params: { query }, signal })),
    [location.query.toString()],
  );
  return (
    <section>
      <h1>Recommendations</h1>
      <FilterBar>
        <FilterSelect
          location={location}
          name="status"
          label="Status"
          options={FILTER_VALUES.recommendationStatus}
          fallback="open"
        />
        <FilterSelect location={location} name="kind" label="Kind" options={FILTER_VALUES.recommendationKind} />
      </FilterBar>
      <Async query={list} what="recommendations">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No recommendations match these filters.</Empty>
          ) : (
            <>
              {page.items.map((rec) => (
                <RecommendationCard key={rec.id} recommendation={rec} onChanged={list.reload} />
              ))}
              <Pager location={location} nextCursor={page.nextCursor} />
            </>
          )
        }
      </Async>
    </section>
  );
}
