import type { components } from "@fastier/client";

export type CurrentKey = components["schemas"]["CurrentApiKey"];
export type Role = CurrentKey["role"];
export type OperationKind = CurrentKey["mayRequest"][number];

/**
 * The API key lives in this tab's sessionStorage only: never in a URL, a
 * cookie, localStorage or a log. Closing the tab or signing out forgets it.
 */
const STORAGE_KEY = "fastier.apiKey";

export interface Session {
  key: string;
  me: CurrentKey;
}

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** What the key's role allows: from `GET /v1/me`, so the role rules stay in the API. */
export const may = {
  actAs: (session: Session, role: string) => session.me.actsAs.some((held) => held === role),
  request: (session: Session, kind: OperationKind) => session.me.mayRequest.includes(kind),
};
