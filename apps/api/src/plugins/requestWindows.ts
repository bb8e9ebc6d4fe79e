/** What a limit says about one key after a request: the numbers the rate-limit headers carry. */
export interface WindowState {
  limit: number;
  remaining: number;
  /** Seconds until the key's window ends, at least 1. */
  resetSeconds: number;
  /** This request went beyond the limit. */
  exceeded: boolean;
}

export interface RequestWindows {
  /** Counts a request against `key` and says where the key stands. */
  count(key: string, now?: number): WindowState;
  /** Where `key` stands, without counting anything. */
  peek(key: string, now?: number): WindowState;
}

interface Window {
  count: number;
  startedAt: number;
}

/**
 * Fixed windows of `windowMs` per key, in this process's memory: a key's window starts with its
 * first request and ends `windowMs` later. At most `capacity` keys are kept; beyond that the least
 * recently counted is forgotten (a Map keeps insertion order, and a counted key is moved to its end).
 * Synchronous, so the hooks that use it need no promise on every request.
 */
export function requestWindows(limit: number, windowMs: number, capacity: number): RequestWindows {
  const windows = new Map<string, Window>();
  const state = (count: number, startedAt: number, now: number): WindowState => ({
    limit,
    remaining: Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil((windowMs - (now - startedAt)) / 1000)),
    exceeded: count > limit,
  });
  const live = (window: Window | undefined, now: number) =>
    window !== undefined && window.startedAt + windowMs > now ? window : undefined;
  return {
    count(key, now = Date.now()) {
      const found = live(windows.get(key), now);
      windows.delete(key);
      const window = found ?? { count: 0, startedAt: now };
      window.count++;
      windows.set(key, window);
      if (windows.size > capacity) windows.delete(windows.keys().next().value as string);
      return state(window.count, window.startedAt, now);
    },
    peek(key, now = Date.now()) {
      const window = live(windows.get(key), now);
      return window ? state(window.count, window.startedAt, now) : state(0, now, now);
    },
  };
}
