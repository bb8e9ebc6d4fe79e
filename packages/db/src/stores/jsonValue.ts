import type { Prisma } from "../generated/prisma/client.ts";

/** A domain value as a Json column stores it: dates become ISO strings, exactly as the API shows them. */
export function toJsonValue(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as Prisma.InputJsonValue;
}
