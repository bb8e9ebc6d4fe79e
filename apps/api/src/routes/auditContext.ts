import type { AuditContext } from "@fastier/core";
import type { FastifyRequest } from "fastify";

export function auditContext(request: FastifyRequest): AuditContext {
  return { actor: request.actor, requestId: request.id };
}
