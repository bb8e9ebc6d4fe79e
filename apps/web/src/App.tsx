import { useEffect, useMemo, useState } from "preact/hooks";
import { clientFor } from "./api/client.ts";
import { must } from "./api/problem.ts";
import { Layout } from "./components/Layout.tsx";
import { Link } from "./components/Link.tsx";
import { Loading } from "./components/States.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { matchPath, useLocation } from "./router.ts";
import { ROUTES } from "./routes.ts";
import { SessionContext, type SignedIn } from "./session/context.ts";
import { forgetKey, type Session, storedKey, storeKey } from "./session/session.ts";

const REVOKED = "Your API key is no longer valid (it was revoked or is unknown). Sign in again with another key.";

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [resuming, setResuming] = useState(() => storedKey() !== null);

  function signOut(reason?: string) {
    forgetKey();
    setSession(null);
    setMessage(reason ?? "Signed out. The API key was removed from this tab.");
  }

  // A reload keeps the tab's key: check it again (it may have been revoked meanwhile).
  // runs once, at page load
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    clientFor(key, () => signOut(REVOKED))
      .GET("/v1/me")
      .then(must)
      .then((me) => setSession({ key, me }))
      .catch(() => undefined)
      .finally(() => setResuming(false));
  }, []);

  const signedIn = useMemo<SignedIn | null>(
    () => (session ? { session, api: clientFor(session.key, () => signOut(REVOKED)), signOut } : null),
    [session],
  );

  const matched = ROUTES.map((route) => ({ route, params: matchPath(route.pattern, location.pathname) })).find(
    (candidate) => candidate.params !== null,
  );
  useEffect(() => {
    document.title = `${matched?.route.title ?? "Not found"} · Fastier Control Plane`;
  }, [matched?.route.title]);

  if (resuming) return <Loading what="your session" />;
  if (!signedIn) {
    return (
      <SignIn
        message={message}
        onSignedIn={(next) => {
          storeKey(next.key);
          setMessage(null);
          setSession(next);
        }}
      />
    );
  }
  const Page = matched?.route.page;
  return (
    <SessionContext.Provider value={signedIn}>
      <Layout pathname={location.pathname}>
        {Page && matched?.params ? (
          <Page params={matched.params} location={location} />
        ) : (
          <section>
            <h1>Not found</h1>
            <p>
              There is no page at {location.pathname}. <Link href="/">Go to the overview</Link>.
            </p>
          </section>
        )}
      </Layout>
    </SessionContext.Provider>
  );
}
