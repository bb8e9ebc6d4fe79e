import { useEffect, useState } from "preact/hooks";

/**
 * History-API routing: the dashboard's addresses are real paths (the API answers
 * index.html for them), so they can be bookmarked, shared and reloaded. Filters
 * live in the query string for the same reason.
 */
const CHANGE = "fastier:navigate";

export interface Location {
  pathname: string;
  query: URLSearchParams;
}

/** What every page is given: its route's parameters (`/operations/:id`) and the address (filters). */
export interface PageProps {
  params: Record<string, string>;
  location: Location;
}

function current(): Location {
  return { pathname: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGE));
  if (!options.replace) window.scrollTo(0, 0);
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    window.addEventListener("popstate", update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return location;
}

/** `/resources/:id` against `/resources/42` → `{ id: "42" }`; null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const got = pathname.split("/").filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

/** The same path with some query parameters changed (empty values removed). */
export function withQuery(location: Location, changes: Record<string, string | undefined>): string {
  const query = new URLSearchParams(location.query);
  for (const [name, value] of Object.entries(changes)) {
    if (value) query.set(name, value);
    else query.delete(name);
  }
  const text = query.toString();
  return text ? `${location.pathname}?${text}` : location.pathname;
}

/** A click on an in-app link: handled here unless the user asked for a new tab or window. */
export function followLink(event: MouseEvent, href: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(href);
}
