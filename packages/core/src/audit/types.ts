/** Who is acting: an API key, or the system itself (seeding, start-up). */
export interface Actor {
  keyId: string | null;
  name: string;
  role: import("../auth/roles.ts").Role;
}

/** Context every mutation carries so its audit event can be written in the same transaction. */
export interface AuditContext {
  actor: Actor;
  requestId: string | null;
}

export interface AuditEvent {
  id: string;
  at: Date;
  actorKeyId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = { keyId: null, name: "system", role: "admin" };
