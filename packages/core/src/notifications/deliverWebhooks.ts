import type { AttemptRecord, ClaimedDelivery, DeliveryQueue, WebhookRequest, WebhookSender } from "./deliveryQueue.ts";
import { nextRetryAt } from "./deliveryRetries.ts";
import { webhookBody } from "./notificationEvents.ts";
import { slackMessage } from "./slackMessage.ts";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from "./webhookSignature.ts";

export interface WebhookDeliveryDependencies {
  queue: DeliveryQueue;
  sender: WebhookSender;
  workerId: string;
  now: () => Date;
  random?: () => number;
  /** Where Slack messages link to. */
  dashboardBaseUrl: string;
  /** Longer than the sender's timeout, so a live worker keeps its lease for the whole POST. */
  leaseMs?: number;
  batchSize?: number;
}

export interface DeliveryRound {
  fannedOut: number;
  attempted: number;
  delivered: number;
}

/** The POST of one claimed delivery: the body in the subscription's format, signed with its secret. */
export function webhookRequest(delivery: ClaimedDelivery, dashboardBaseUrl: string, at: Date): WebhookRequest {
  const payload =
    delivery.subscription.format === "slack"
      ? slackMessage(delivery.event, dashboardBaseUrl)
      : webhookBody(delivery.event);
  const body = JSON.stringify(payload);
  return {
    url: delivery.subscription.url,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Fastier-Webhooks/1",
      [EVENT_ID_HEADER]: delivery.event.id,
      [SIGNATURE_HEADER]: signatureHeader(delivery.subscription.secret, body, at),
    },
  };
}

/**
 * One round of delivery: fan new outbox events out, lease what is due, post each (concurrently:
 * a round holds at most one delivery per subscription and resource), and save each outcome.
 */
export async function deliverWebhooks(deps: WebhookDeliveryDependencies): Promise<DeliveryRound> {
  const random = deps.random ?? Math.random;
  const fannedOut = await deps.queue.fanOut(100, deps.now());
  const now = deps.now();
  const claimed = await deps.queue.claimDue(
    deps.workerId,
    now,
    new Date(now.getTime() + (deps.leaseMs ?? 60_000)),
    deps.batchSize ?? 20,
  );
  const outcomes = await Promise.all(
    claimed.map(async (delivery) => {
      const response = await deps.sender.post(webhookRequest(delivery, deps.dashboardBaseUrl, deps.now()));
      const at = deps.now();
      const ok = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
      const retryAt = ok ? null : nextRetryAt(delivery.attempt, delivery.firstAttemptAt, at, random);
      const record: AttemptRecord = {
        at,
        outcome: ok ? "delivered" : retryAt ? "retry" : "given_up",
        statusCode: response.statusCode,
        durationMs: response.durationMs,
        error: ok ? null : (response.error ?? `receiver answered ${response.statusCode}`),
        nextAttemptAt: retryAt,
      };
      await deps.queue.recordAttempt(delivery.deliveryId, deps.workerId, record);
      return ok;
    }),
  );
  return { fannedOut, attempted: claimed.length, delivered: outcomes.filter(Boolean).length };
}
