import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a page and keeps it while reloading, so a refresh never
 * blanks what is on screen. `refreshMs` polls (the overview refreshes by itself);
 * a hidden tab does not poll. A change of `deps` starts over and drops any
 * answer still on its way.
 */
export function useQuery<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { refreshMs?: number } = {},
): Query<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((value) => value + 1), []);

  // the caller's deps decide when to start over
  useEffect(() => setState({ data: undefined, error: undefined, loading: true }), deps);

  // the caller's deps and reload() decide when to load
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [...deps, tick]);

  useEffect(() => {
    if (!options.refreshMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, options.refreshMs);
    return () => window.clearInterval(timer);
  }, [options.refreshMs, reload]);

  return { ...state, reload };
}
