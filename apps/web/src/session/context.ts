import type { FastierClient } from "@fastier/client";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./session.ts";

export interface SignedIn {
  session: Session;
  api: FastierClient;
  signOut: (message?: string) => void;
}

export const SessionContext = createContext<SignedIn | null>(null);

/** The signed-in session; pages are only rendered inside one. */
export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in page");
  return value;
}
