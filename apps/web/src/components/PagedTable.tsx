import type { ComponentChildren } from "preact";
import type { Query } from "../api/useQuery.ts";
import type { Location } from "../router.ts";
import { Pager } from "./Filters.tsx";
import { Async, Empty } from "./States.tsx";
import { TableScroll } from "./TableScroll.tsx";

/**
 * One page of a cursor-paged list as a table: the loading and error states, a message when nothing
 * matches, a row per item (its cells from `cells`), and the links to the first and next pages.
 */
export function PagedTable<T extends { id: string }>(props: {
  query: Query<{ items: T[]; nextCursor: string | null }>;
  location: Location;
  /** What is loading, as "Loading …" says it. */
  what: string;
  /** The table's accessible name. */
  label: string;
  empty: string;
  columns: readonly string[];
  cells: (item: T) => ComponentChildren;
}) {
  return (
    <Async query={props.query} what={props.what}>
      {(page) =>
        page.items.length === 0 ? (
          <Empty>{props.empty}</Empty>
        ) : (
          <>
            <TableScroll label={props.label}>
              <table>
                <thead>
                  <tr>
                    {props.columns.map((column) => (
                      <th key={column} scope="col">
                        {column}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((item) => (
                    <tr key={item.id}>{props.cells(item)}</tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <Pager location={props.location} nextCursor={page.nextCursor} />
          </>
        )
      }
    </Async>
  );
}
