/**
 * Whether an error means "the database cannot be reached right now" (a
 * restart, a failover, a network cut) rather than a bug or a bad query: such
 * errors are answered 503 with Retry-After and retried by the worker, never
 * reported as internal errors. The driver's error may be wrapped (Prisma's
 * driver adapter keeps it as `cause`), so the whole chain is looked at.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== "object") return false;
    const { code, kind, message, cause } = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith(CONNECTION_EXCEPTION_CLASS)))
      return true;
    if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
    current = cause;
  }
  return false;
}

/** Seconds a client should wait before trying again: about what a PostgreSQL restart or a Multi-AZ failover's first phase takes. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** SQLSTATE class 08: connection exceptions. */
const CONNECTION_EXCEPTION_CLASS = "08";

const UNAVAILABLE_CODES = new Set([
  // Sockets.
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down), too_many_connections.
  "57P01",
  "57P02",
  "57P03",
  "53300",
  // Prisma: can't reach, timed out, server closed the connection, no connection from the pool in time.
  "P1001",
  "P1002",
  "P1017",
  "P2024",
]);

/** Prisma driver adapter error kinds for the same conditions. */
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** node-postgres says these without a code. */
const UNAVAILABLE_MESSAGES = [
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
];
