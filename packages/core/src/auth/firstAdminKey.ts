import { SYSTEM_ACTOR } from "../audit/types.ts";
import type { ApiKeyStore } from "./apiKeyStore.ts";
import { type ApiKeySummary, issueApiKey } from "./apiKeys.ts";

export const FIRST_ADMIN_KEY_NAME = "first-admin";

/**
 * On a fresh installation nobody could call the API, since every route needs a
 * key: the first start creates one admin key and hands it over once.
 */
export async function ensureFirstAdminKey(
  apiKeys: ApiKeyStore,
): Promise<{ key: string; apiKey: ApiKeySummary } | null> {
  const issued = issueApiKey();
  const apiKey = await apiKeys.createIfNoneExist(
    {
      name: FIRST_ADMIN_KEY_NAME,
      role: "admin",
      prefix: issued.prefix,
      hash: issued.hash,
      createdBy: SYSTEM_ACTOR.name,
    },
    { actor: SYSTEM_ACTOR, requestId: null },
  );
  return apiKey ? { key: issued.key, apiKey } : null;
}
