import { createFastierClient } from "@fastier/client";
import { useState } from "preact/hooks";
import { ApiProblem, describeFailure, must } from "../api/problem.ts";
import type { Session } from "../session/session.ts";

/**
 * Paste an API key. It is checked with `GET /v1/me` before anything is kept,
 * and the form is never submitted as a GET, so the key cannot end up in a URL.
 */
export function SignIn(props: { message: string | null; onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return setError("Paste an API key (it starts with fcp_).");
    setChecking(true);
    setError(null);
    try {
      const api = createFastierClient({ baseUrl: window.location.origin, apiKey: trimmed });
      const me = must(await api.GET("/v1/me"));
      props.onSignedIn({ key: trimmed, me });
    } catch (failure) {
      setError(
        failure instanceof ApiProblem && failure.status === 401
          ? "That API key is unknown or has been revoked."
          : describeFailure(failure),
      );
      setChecking(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <h1>Fastier Control Plane</h1>
      {props.message && (
        <p class="notice" role="alert">
          {props.message}
        </p>
      )}
      <form method="post" action="#" onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          aria-describedby="api-key-help"
        />
        <p id="api-key-help" class="help">
          Kept in this browser tab only, until you sign out or close it. Create one with{" "}
          <code>npm run apikey -- create --name you --role operator</code>.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={checking}>
          {checking ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
