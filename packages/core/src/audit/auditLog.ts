import type { CursorPosition, Page } from "../pagination/cursor.ts";
import type { AuditEvent } from "./types.ts";

export interface AuditQuery {
  targetType?: string;
  targetId?: string;
  actorKeyId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  after?: CursorPosition;
}

export interface AuditLog {
  /** Newest first. */
  list(query: AuditQuery): Promise<Page<AuditEvent>>;
}
