/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(attempt: number, random: () => number, baseMs = 2_000, capMs = 120_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
