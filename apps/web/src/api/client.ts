import { createFastierClient, type FastierClient } from "@fastier/client";

/**
 * The generated client on this origin with the signed-in key. A 401 means the
 * key was revoked (or is unknown): the session ends at once, whatever asked.
 */
export function clientFor(key: string, onUnauthorized: () => void): FastierClient {
  const client = createFastierClient({ baseUrl: window.location.origin, apiKey: key });
  client.use({
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}
