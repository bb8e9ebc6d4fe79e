import type { ComponentChildren } from "preact";
import { describeFailure } from "../api/problem.ts";
import type { Query } from "../api/useQuery.ts";

export function Loading(props: { what: string }) {
  return (
    <p class="state" role="status">
      Loading {props.what}…
    </p>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="state empty">{props.children}</p>;
}

/** A failure as the API explained it (problem+json `detail`), with a way to try again. */
export function ErrorBox(props: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="error" role="alert">
      <p>{describeFailure(props.error)}</p>
      {props.onRetry && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * The three states every page has: loading (nothing yet), failed (and nothing
 * to show), and the data. Data already shown stays up while a refresh fails;
 * the failure is shown above it.
 */
export function Async<T>(props: { query: Query<T>; what: string; children: (data: T) => ComponentChildren }) {
  const { data, error, reload } = props.query;
  if (data === undefined) {
    return error ? <ErrorBox error={error} onRetry={reload} /> : <Loading what={props.what} />;
  }
  return (
    <>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {props.children(data)}
    </>
  );
}
