import { ValidationError } from "@fastier/core";
import type { FastifyReply } from "fastify";

/** A resource's ETag is its version number, quoted. */
export function setEtag(reply: FastifyReply, version: number): void {
  reply.header("etag", `"${version}"`);
}

/** The version an `If-Match` header asks for; `*` or no header means "any". */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw new ValidationError(
      [
        {
          field: "/if-match",
          rule: "etag",
          message: 'If-Match must be an ETag this API issued, e.g. "3"',
          in: "headers",
        },
      ],
      "invalid_if_match",
    );
  }
  return Number(match[1]);
}
