import type { AuditContext } from "../audit/types.ts";
import type { ApiKeySummary } from "./apiKeys.ts";
import type { Role } from "./roles.ts";

export interface NewApiKey {
  name: string;
  role: Role;
  prefix: string;
  hash: string;
  createdBy: string | null;
}

export interface ApiKeyStore {
  create(key: NewApiKey, audit: AuditContext): Promise<ApiKeySummary>;
  /** Creates the key only if the key table is empty (first start); atomic across processes. */
  createIfNoneExist(key: NewApiKey, audit: AuditContext): Promise<ApiKeySummary | null>;
  /** The active (not revoked) key with this hash. */
  findActiveByHash(hash: string): Promise<ApiKeySummary | null>;
  list(includeRevoked: boolean): Promise<ApiKeySummary[]>;
  /** Refuses (conflict `last_admin_key`) to revoke the only active admin key. */
  revoke(id: string, audit: AuditContext): Promise<ApiKeySummary>;
  count(): Promise<number>;
  touch(id: string, at: Date): Promise<void>;
}
