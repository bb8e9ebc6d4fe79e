/** Retries go on for this long after the first attempt, then the delivery is given up. */
export const RETRY_WINDOW_MS = 26 * 60 * 60 * 1000;
const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

/**
 * When to try a failed delivery again: exponential backoff with full jitter (a random delay up to
 * 10 s × 2^(attempt−1), at most an hour), so receivers coming back are not hit by every sender at
 * once; null once the next try would fall outside the retry window.
 */
export function nextRetryAt(attempt: number, firstAttemptAt: Date, now: Date, random: () => number): Date | null {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const at = new Date(now.getTime() + Math.round(random() * ceiling));
  return at.getTime() - firstAttemptAt.getTime() > RETRY_WINDOW_MS ? null : at;
}
