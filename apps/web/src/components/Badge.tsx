import type { ComponentChildren } from "preact";

/** Tones map severities and statuses to colours; the text always says the same in words. */
const TONES: Record<string, string> = {
  critical: "bad",
  failed: "bad",
  not_ready: "bad",
  rolled_back: "bad",
  warning: "warn",
  at_risk: "warn",
  awaiting_approval: "warn",
  pending: "info",
  running: "info",
  info: "info",
  healthy: "good",
  ready: "good",
  succeeded: "good",
  resolved: "good",
  applied: "good",
  active: "good",
};

export function Badge(props: { value: string; children?: ComponentChildren }) {
  return (
    <span class={`badge tone-${TONES[props.value] ?? "plain"}`}>
      {props.children ?? props.value.replace(/_/g, " ")}
    </span>
  );
}
