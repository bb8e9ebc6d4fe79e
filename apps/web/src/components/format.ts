/** Times in UTC, as the API and the cloud keep them (the simulator's clock is not the browser's). */
export function formatTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${value.toFixed(1)}%`;
}

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const sign = value > 0 ? "+" : value < 0 ? "−" : "";
  return `${sign}$${Math.abs(value).toFixed(2)}`;
}

/** Any value of a plan or a proposal, as one readable line. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** `memory_pressure` → `memory pressure`. */
export function humanize(name: string): string {
  return name.replace(/_/g, " ");
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A finding's evidence value in its unit: bytes as GiB, percentages to one decimal. */
export function formatEvidence(value: number, unit: string): string {
  if (unit === "Percent") return `${value.toFixed(1)}%`;
  if (unit === "Bytes") return `${(value / 2 ** 30).toFixed(2)} GiB`;
  if (unit === "Seconds") return formatSeconds(value);
  return `${value} ${unit === "Count" ? "" : unit}`.trim();
}
