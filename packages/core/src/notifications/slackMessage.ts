import type { NotificationEvent, NotificationEventType } from "./notificationEvents.ts";

const LABELS: Record<NotificationEventType, string> = {
  "finding.opened": "Finding opened",
  "finding.escalated": "Finding escalated",
  "finding.resolved": "Finding resolved",
  "operation.succeeded": "Operation succeeded",
  "operation.failed": "Operation failed",
  "operation.timed_out": "Operation timed out",
  "operation.rolled_back": "Deploy rolled back",
  "approval.requested": "Approval requested",
  "sync.failed": "Sync failed",
  "sweep.failed": "Health sweep failed",
  "webhook.test": "Test event",
};

/** The dashboard's page of what the event is about (the dashboard's client-side routes). */
export function dashboardPath(event: Pick<NotificationEvent, "type" | "data">): string {
  const id = (key: string) => encodeURIComponent(String(event.data[key] ?? ""));
  if (event.type.startsWith("finding.")) return `/findings/${id("findingId")}`;
  if (event.type.startsWith("operation.") || event.type === "approval.requested")
    return `/operations/${id("operationId")}`;
  if (event.type === "sync.failed") return "/inventory";
  if (event.type === "sweep.failed") return "/activity";
  return "/";
}

/** Slack reads `&`, `<` and `>` as markup: https://api.slack.com/reference/surfaces/formatting#escaping */
function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A Slack incoming-webhook body: one short line and a link to the dashboard page of the thing. */
export function slackMessage(event: NotificationEvent, dashboardBaseUrl: string): { text: string } {
  const where = event.environment ? `[${event.environment.name}] ` : "";
  const summary = typeof event.data.summary === "string" ? event.data.summary : "";
  const link = `${dashboardBaseUrl.replace(/\/+$/, "")}${dashboardPath(event)}`;
  const text = `*${LABELS[event.type]}* ${where}${event.subject.kind} ${event.subject.name}: ${summary}`;
  return { text: `${escapeSlack(text.slice(0, 2800))} <${link}|Open in the dashboard>` };
}
