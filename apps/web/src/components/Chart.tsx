import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { components } from "@fastier/client";

type MetricSeries = components["schemas"]["MetricSeries"];

export interface ChartProps {
  series: MetricSeries;
  /** What a screen reader hears instead of the drawing, e.g. "mem_used_percent, 24 hours". */
  label: string;
  unit: string;
  height?: number;
  /** A line to compare against, e.g. the memory-pressure threshold. */
  threshold?: number;
  /** A sparkline: no axes, no legend. */
  compact?: boolean;
}

function summary(points: MetricSeries["points"], unit: string): string {
  if (points.length === 0) return "no samples";
  const values = points.map((point) => point.value);
  const last = values[values.length - 1] ?? 0;
  return `latest ${last.toFixed(1)}${unit}, highest ${Math.max(...values).toFixed(1)}${unit}, lowest ${Math.min(...values).toFixed(1)}${unit}`;
}

/** A time-series chart (uPlot, about 50 KB) drawn on a canvas sized to its container. */
export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const xs = props.series.points.map((point) => Date.parse(point.timestamp) / 1000);
    const ys = props.series.points.map((point) => point.value);
    const data: uPlot.AlignedData =
      props.threshold === undefined ? [xs, ys] : [xs, ys, xs.map(() => props.threshold ?? 0)];
    const height = props.height ?? (props.compact ? 60 : 180);
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 120),
        height,
        legend: { show: !props.compact },
        cursor: { show: !props.compact },
        axes: props.compact ? [{ show: false }, { show: false }] : [{ stroke: "#374151" }, { stroke: "#374151" }],
        scales: { x: { time: true } },
        // The axis in UTC, like every time the dashboard shows (and the cloud keeps).
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
        series: [
          {},
          { label: props.series.metric, stroke: "#1d4ed8", width: 2, fill: "rgba(29, 78, 216, 0.08)" },
          ...(props.threshold === undefined ? [] : [{ label: "threshold", stroke: "#b45309", dash: [6, 4], width: 1 }]),
        ],
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 120), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.series, props.threshold, props.compact, props.height]);

  return (
    <figure class={props.compact ? "chart compact" : "chart"}>
      <div ref={box} role="img" aria-label={`${props.label}: ${summary(props.series.points, props.unit)}`} />
      {!props.compact && props.series.points.length === 0 && (
        <figcaption>No samples stored for this range yet.</figcaption>
      )}
    </figure>
  );
}
