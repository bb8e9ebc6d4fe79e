/**
 * An RFC 3339 date-time with an explicit offset (`2026-11-25T12:00:00Z`,
 * `...+02:00`), what the API's `date-time` format accepts. Stricter than
 * `Date.parse`, which reads a time without an offset in the server's local
 * zone and rolls 30 February over into March: a restore time must mean one
 * instant, whoever sends it.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

/** The instant `text` names, or null when it is not such a date-time or names a day or time that does not exist. */
export function parseIsoInstant(text: string): Date | null {
  const match = ISO_INSTANT.exec(text);
  if (!match) return null;
  const part = (index: number) => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const millis = Number((match[7] ?? "0").padEnd(3, "0").slice(0, 3));
  const [offsetHours, offsetMinutes] = [part(9), part(10)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const exists =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!exists) return null;
  const offsetMs = (match[8] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMs);
}
