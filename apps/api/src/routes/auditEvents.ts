import { type AuditLog, decodeCursor, ValidationError } from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AuditQuery } from "../schemas/auditEvent.ts";
import { problemResponses } from "../schemas/problem.ts";

/** Event ids are PostgreSQL BIGINTs; a larger cursor id would fail the query. */
const MAX_EVENT_ID = 2n ** 63n - 1n;

export interface AuditRoutesOptions {
  auditLog: AuditLog;
}

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (app, { auditLog }) => {
  app.get(
    "/v1/audit-events",
    {
      schema: {
        tags: ["audit"],
        operationId: "listAuditEvents",
        summary: "Audit trail, newest first",
        querystring: AuditQuery,
        response: { 200: Type.Ref("AuditEventPage"), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, from, to, ...filters } = request.query;
      const after = cursor ? decodeCursor(cursor, "-id") : undefined;
      if (after && (!/^\d{1,19}$/.test(after.id) || BigInt(after.id) > MAX_EVENT_ID)) {
        throw new ValidationError(
          [{ field: "/cursor", rule: "cursor", message: "cursor is not one this API issued", in: "querystring" }],
          "invalid_cursor",
        );
      }
      return auditLog.list({
        ...filters,
        ...(from && { from: new Date(from) }),
        ...(to && { to: new Date(to) }),
        limit,
        ...(after && { after }),
      });
    },
  );
};
