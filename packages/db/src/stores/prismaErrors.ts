import { ConflictError, DomainError } from "@fastier/core";
import { Prisma } from "../generated/prisma/client.ts";

/** Turns the database's refusals that a client can cause into domain errors. */
export function translatePrismaError(error: unknown, describe: { unique?: string; foreignKey?: string }): never {
  if (error instanceof DomainError) throw error;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002" && describe.unique) {
      throw new ConflictError("already_exists", describe.unique, { cause: error.meta?.target });
    }
    if (error.code === "P2003" && describe.foreignKey) {
      throw new ConflictError("reference_invalid", describe.foreignKey);
    }
  }
  throw error;
}
