import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Location, navigate, withQuery } from "../router.ts";
import { humanize } from "./format.ts";
import { Link } from "./Link.tsx";

/** Filters live in the address (bookmarkable); changing one goes back to the first page. */
function setFilter(location: Location, name: string, value: string) {
  navigate(withQuery(location, { [name]: value || undefined, cursor: undefined }), { replace: true });
}

/** Chosen on purpose (not just absent), so that "any" can win over a default such as open findings. */
const ANY = "any";

export function FilterBar(props: { children: ComponentChildren }) {
  return (
    <search class="filters" aria-label="Filters">
      {props.children}
    </search>
  );
}

export function FilterSelect(props: {
  location: Location;
  name: string;
  label: string;
  options: readonly string[];
  /** The value when the address names none (e.g. open findings by default). */
  fallback?: string;
}) {
  const id = `filter-${props.name}`;
  const value = props.location.query.get(props.name) ?? props.fallback ?? ANY;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) => setFilter(props.location, props.name, event.currentTarget.value)}
      >
        <option value={ANY}>any</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {humanize(option)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A text filter, applied when the user stops typing (or presses Enter). */
export function FilterText(props: { location: Location; name: string; label: string; placeholder?: string }) {
  const id = `filter-${props.name}`;
  const current = props.location.query.get(props.name) ?? "";
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  useEffect(() => {
    if (text === current) return;
    const timer = window.setTimeout(() => setFilter(props.location, props.name, text.trim()), 400);
    return () => window.clearTimeout(timer);
  }, [text, current, props.location, props.name]);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder={props.placeholder}
        onInput={(event) => setText(event.currentTarget.value)}
      />
    </div>
  );
}

/** Cursor pagination: the next page's cursor goes in the address like any filter. */
export function Pager(props: { location: Location; nextCursor: string | null }) {
  const onLaterPage = props.location.query.has("cursor");
  if (!onLaterPage && !props.nextCursor) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {onLaterPage && <Link href={withQuery(props.location, { cursor: undefined })}>First page</Link>}
      {props.nextCursor && <Link href={withQuery(props.location, { cursor: props.nextCursor })}>Next page</Link>}
    </nav>
  );
}

/** A query parameter as a typed filter value, or undefined when absent or not one of the allowed values. */
export function queryValue<T extends string>(location: Location, name: string, allowed: readonly T[], fallback?: T) {
  const value = location.query.get(name) ?? fallback;
  return value === ANY ? undefined : allowed.find((option) => option === value);
}
