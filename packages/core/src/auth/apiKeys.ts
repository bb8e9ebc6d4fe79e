import { createHash, randomBytes } from "node:crypto";
import type { Role } from "./roles.ts";

export interface ApiKeySummary {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface IssuedApiKey {
  /** The whole key; shown once and never stored. */
  key: string;
  prefix: string;
  hash: string;
}

const KEY_PREFIX = "fcp_";

/**
 * 32 random bytes make the key unguessable, so a fast SHA-256 is the right
 * digest at rest (a slow password hash only matters for low-entropy secrets).
 */
export function issueApiKey(): IssuedApiKey {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length >= 40 && value.length <= 100;
}
