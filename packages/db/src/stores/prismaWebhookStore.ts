import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type WebhookSubscriptionChanges,
  type WebhookSubscriptionStore,
} from "@fastier/core";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { FindingSeverity, WebhookFormat } from "../generated/prisma/enums.ts";
import { writeAudit } from "./auditWriter.ts";
import { keysetOrder, keysetWhere, toPage } from "./keyset.ts";
import { toDbEnum } from "./rowMapping.ts";
import { deliveryFromRow, subscriptionFromRow } from "./webhookRows.ts";

const WITH_EVENT_TYPE = { event: { select: { type: true } } } as const;

function columns(changes: WebhookSubscriptionChanges) {
  return {
    ...(changes.url !== undefined && { url: changes.url }),
    ...(changes.events !== undefined && { events: changes.events }),
    ...(changes.minSeverity !== undefined && { minSeverity: toDbEnum<FindingSeverity>(changes.minSeverity) }),
    ...(changes.environmentId !== undefined && { environmentId: changes.environmentId }),
    ...(changes.format !== undefined && { format: toDbEnum<WebhookFormat>(changes.format) }),
    ...(changes.enabled !== undefined && { enabled: changes.enabled }),
  };
}

/** Subscriptions and their delivery log. The secret is written here and read only by the delivery queue; audit entries never carry it. */
export function createWebhookStore(prisma: PrismaClient): WebhookSubscriptionStore {
  async function requireEnvironment(environmentId: string | null | undefined) {
    if (!environmentId) return;
    if (await prisma.environment.findUnique({ where: { id: environmentId }, select: { id: true } })) return;
    throw new ValidationError([
      { field: "/environmentId", rule: "exists", message: `environment ${environmentId} does not exist` },
    ]);
  }

  return {
    async create(input, secret, audit) {
      await requireEnvironment(input.environmentId);
      return prisma.$transaction(async (tx) => {
        const row = await tx.webhookSubscription.create({
          data: { ...columns(input), url: input.url, events: input.events, secret, createdBy: audit.actor.name },
        });
        await writeAudit(tx, audit, {
          action: "webhook_subscription.create",
          targetType: "webhook_subscription",
          targetId: row.id,
          after: input,
        });
        return subscriptionFromRow(row);
      });
    },

    async get(id) {
      const row = await prisma.webhookSubscription.findUnique({ where: { id } });
      return row ? subscriptionFromRow(row) : null;
    },

    async list(page) {
      const rows = await prisma.webhookSubscription.findMany({
        where: keysetWhere("createdAt", false, page.after, true),
        orderBy: keysetOrder("createdAt", false),
        take: page.limit + 1,
      });
      return toPage(rows, page.limit, "createdAt", (row) => row.createdAt.toISOString(), subscriptionFromRow);
    },

    async update(id, changes, audit) {
      await requireEnvironment(changes.environmentId);
      return prisma.$transaction(async (tx) => {
        const before = await tx.webhookSubscription.findUnique({ where: { id } });
        if (!before) throw new NotFoundError("webhook_subscription", id);
        const row = await tx.webhookSubscription.update({ where: { id }, data: columns(changes) });
        await writeAudit(tx, audit, {
          action: "webhook_subscription.update",
          targetType: "webhook_subscription",
          targetId: id,
          before: subscriptionFromRow(before),
          after: changes,
        });
        return subscriptionFromRow(row);
      });
    },

    async delete(id, audit) {
      await prisma.$transaction(async (tx) => {
        const deleted = await tx.webhookSubscription.deleteMany({ where: { id } });
        if (deleted.count === 0) throw new NotFoundError("webhook_subscription", id);
        await writeAudit(tx, audit, {
          action: "webhook_subscription.delete",
          targetType: "webhook_subscription",
          targetId: id,
        });
      });
    },

    async rotateSecret(id, secret, audit) {
      return prisma.$transaction(async (tx) => {
        const rotated = await tx.webhookSubscription.updateMany({ where: { id }, data: { secret } });
        if (rotated.count === 0) throw new NotFoundError("webhook_subscription", id);
        await writeAudit(tx, audit, {
          action: "webhook_subscription.rotate_secret",
          targetType: "webhook_subscription",
          targetId: id,
        });
        return subscriptionFromRow(await tx.webhookSubscription.findUniqueOrThrow({ where: { id } }));
      });
    },

    async deliveries(id, page) {
      if (!(await this.get(id))) throw new NotFoundError("webhook_subscription", id);
      const rows = await prisma.webhookDelivery.findMany({
        where: { subscriptionId: id, ...keysetWhere("createdAt", true, page.after, true) },
        orderBy: keysetOrder("createdAt", true),
        take: page.limit + 1,
        include: WITH_EVENT_TYPE,
      });
      return toPage(rows, page.limit, "-createdAt", (row) => row.createdAt.toISOString(), deliveryFromRow);
    },

    async redeliver(id, deliveryId, now, audit) {
      return prisma.$transaction(async (tx) => {
        const delivery = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, subscriptionId: id } });
        if (!delivery) throw new NotFoundError("webhook_delivery", deliveryId);
        if (delivery.leaseExpiresAt && delivery.leaseExpiresAt > now) {
          throw new ConflictError(
            "delivery_in_flight",
            `delivery ${deliveryId} is being sent right now; try again shortly`,
          );
        }
        // A fresh retry window; the event id stays the same, so a receiver that had it can drop it.
        const row = await tx.webhookDelivery.update({
          where: { id: deliveryId },
          data: { status: "PENDING", nextAttemptAt: now, firstAttemptAt: null, leaseOwner: null, leaseExpiresAt: null },
          include: WITH_EVENT_TYPE,
        });
        await writeAudit(tx, audit, {
          action: "webhook_subscription.redeliver",
          targetType: "webhook_subscription",
          targetId: id,
          after: { deliveryId, eventId: delivery.eventId },
        });
        return deliveryFromRow(row);
      });
    },

    async sendTest(id, now, audit) {
      return prisma.$transaction(async (tx) => {
        const subscription = await tx.webhookSubscription.findUnique({ where: { id } });
        if (!subscription) throw new NotFoundError("webhook_subscription", id);
        // Already fanned out: a test event goes to this subscription alone.
        const event = await tx.notificationEvent.create({
          data: {
            type: "webhook.test",
            occurredAt: now,
            subjectId: id,
            subjectKind: "webhook_subscription",
            subjectName: new URL(subscription.url).host,
            data: { summary: `test event sent by ${audit.actor.name}`, requestedBy: audit.actor.name },
            fannedOutAt: now,
          },
        });
        const row = await tx.webhookDelivery.create({
          data: {
            subscriptionId: id,
            eventId: event.id,
            eventSequence: event.sequence,
            subjectId: id,
            nextAttemptAt: now,
          },
          include: WITH_EVENT_TYPE,
        });
        await writeAudit(tx, audit, {
          action: "webhook_subscription.test",
          targetType: "webhook_subscription",
          targetId: id,
          after: { eventId: event.id },
        });
        return deliveryFromRow(row);
      });
    },
  };
}
