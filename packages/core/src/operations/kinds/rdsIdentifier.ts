import type { FieldProblem } from "../../errors.ts";

/**
 * RDS's naming rule for DB instance identifiers (and, in practice, the
 * snapshot identifiers the control plane chooses): 1–63 characters, a letter
 * first, then letters, digits and hyphens, no two hyphens in a row and no
 * hyphen at the end. RDS ignores case and stores identifiers in lower case.
 */
export const RDS_IDENTIFIER_MAX_LENGTH = 63;
const SHAPE = /^[A-Za-z][A-Za-z0-9-]*$/;

/** The problems with `value` as an RDS identifier for the field at `field`; empty when it is fine. */
export function rdsIdentifierProblems(field: string, value: unknown): FieldProblem[] {
  const problem = (message: string): FieldProblem[] => [{ field, rule: "rds_identifier", message }];
  if (typeof value !== "string" || value.length === 0) return problem("must be a non-empty string");
  if (value.length > RDS_IDENTIFIER_MAX_LENGTH) {
    return problem(`must be at most ${RDS_IDENTIFIER_MAX_LENGTH} characters; ${value} has ${value.length}`);
  }
  if (!SHAPE.test(value)) {
    return problem(`${value} must start with a letter and contain only ASCII letters, digits and hyphens`);
  }
  if (value.includes("--")) return problem(`${value} must not contain two hyphens in a row`);
  if (value.endsWith("-")) return problem(`${value} must not end with a hyphen`);
  return [];
}

/** How RDS stores an identifier, so the inventory and the cloud spell it alike. */
export const normaliseRdsIdentifier = (identifier: string) => identifier.toLowerCase();
