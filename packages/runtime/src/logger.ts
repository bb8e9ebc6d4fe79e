import type { Config } from "@fastier/config";
import pino, { type Logger, type LoggerOptions } from "pino";

/** One logging setup for every process: JSON (pretty on a terminal), secrets redacted. */
export function loggerOptions(level: Config["logLevel"]): LoggerOptions {
  return {
    level,
    redact: {
      paths: ["req.headers.authorization", 'req.headers["x-api-key"]', "req.headers.cookie", "*.password", "*.key"],
      censor: "[redacted]",
    },
    ...(process.stdout.isTTY && level !== "silent" && { transport: { target: "pino-pretty" } }),
  };
}

export function createLogger(level: Config["logLevel"]): Logger {
  return pino(loggerOptions(level));
}
