import { must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { useSession } from "../session/context.ts";
import { Chart } from "./Chart.tsx";
import { ErrorBox } from "./States.tsx";

type MetricName = "mem_used_percent" | "CPUUtilization" | "FreeableMemory" | "ReplicaLag" | "DatabaseConnections";

export const METRIC_UNITS: Record<MetricName, string> = {
  mem_used_percent: "%",
  CPUUtilization: "%",
  FreeableMemory: " bytes",
  ReplicaLag: " s",
  DatabaseConnections: "",
};

export const RANGES = {
  "24h": { label: "24 hours", ms: 24 * 3_600_000, period: 300 },
  "7d": { label: "7 days", ms: 7 * 24 * 3_600_000, period: 3_600 },
} as const;
export type RangeName = keyof typeof RANGES;

/**
 * One metric of one resource from `GET /v1/resources/{id}/metrics`. The range
 * ends at the API's "now" (the simulator's clock need not be the browser's):
 * the last 24 hours are asked for without times, and a longer range counts back
 * from the end of that answer.
 */
export function MetricChart(props: {
  resourceId: string;
  metric: MetricName;
  range?: RangeName;
  compact?: boolean;
  threshold?: number;
  label?: string;
}) {
  const { api } = useSession();
  const range = RANGES[props.range ?? "24h"];
  const query = useQuery(
    async (signal) => {
      const path = { id: props.resourceId };
      const recent = must(
        await api.GET("/v1/resources/{id}/metrics", { params: { path, query: { name: props.metric } }, signal }),
      );
      if (range.ms === RANGES["24h"].ms) return recent;
      const to = new Date(recent.to);
      const from = new Date(to.getTime() - range.ms).toISOString();
      const query = { name: props.metric, from, to: to.toISOString(), period: range.period };
      return must(await api.GET("/v1/resources/{id}/metrics", { params: { path, query }, signal }));
    },
    [props.resourceId, props.metric, range.ms],
  );
  const label = props.label ?? `${props.metric} over ${range.label}`;
  if (query.data === undefined) {
    if (query.error) return <ErrorBox error={query.error} onRetry={query.reload} />;
    return <div class={props.compact ? "chart compact placeholder" : "chart placeholder"} aria-hidden="true" />;
  }
  return (
    <Chart
      series={query.data}
      label={label}
      unit={METRIC_UNITS[props.metric]}
      compact={props.compact}
      threshold={props.threshold}
    />
  );
}
