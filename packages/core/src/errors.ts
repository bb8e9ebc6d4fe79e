/**
 * Errors the domain raises. Each has a stable `code` that clients can branch on
 * and a `kind` that the HTTP edge maps to a status; nothing here knows HTTP.
 */
export type DomainErrorKind =
  | "invalid"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "unauthenticated"
  | "forbidden"
  /** Well-formed but cannot be processed as sent (an idempotency key reused for another request). */
  | "unprocessable";

export interface FieldProblem {
  /** JSON pointer of the offending field, e.g. `/capacity/minSize`. */
  field: string;
  /** The rule it broke, e.g. `range`, `required`, `immutable`. */
  rule: string;
  message: string;
  /** Where the field is, when not in the body: `querystring`, `headers` or `params`. */
  in?: string;
}

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: { problems?: FieldProblem[]; [key: string]: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ValidationError extends DomainError {
  override name = "ValidationError";
  constructor(
    readonly problems: FieldProblem[],
    code = "validation_failed",
    extra: Record<string, unknown> = {},
  ) {
    super("invalid", code, problems.map((p) => `${p.field}: ${p.message}`).join("; "), { ...extra, problems });
  }
}

export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  constructor(what: string, id: string) {
    super("not_found", `${what}_not_found`, `${what.replaceAll("_", " ")} ${id} does not exist`, { id });
  }
}

export class ConflictError extends DomainError {
  override name = "ConflictError";
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super("conflict", code, message, details);
  }
}

export class StaleVersionError extends DomainError {
  override name = "StaleVersionError";
  constructor(what: string, id: string, expected: number, current: number) {
    super(
      "precondition_failed",
      "version_mismatch",
      `${what} ${id} is at version ${current}, not ${expected}; fetch it again and retry`,
      { expectedVersion: expected, currentVersion: current },
    );
  }
}
