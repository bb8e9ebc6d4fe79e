import type { ComponentChildren } from "preact";
import { followLink } from "../router.ts";
import { useSession } from "../session/context.ts";

const NAVIGATION = [
  { href: "/", label: "Overview" },
  { href: "/findings", label: "Findings" },
  { href: "/recommendations", label: "Recommendations" },
  { href: "/operations", label: "Operations" },
  { href: "/inventory", label: "Inventory" },
  { href: "/dr", label: "DR" },
  { href: "/activity", label: "Activity" },
  { href: "/audit", label: "Audit" },
];

function isCurrent(href: string, pathname: string): boolean {
  if (href === "/") return pathname === "/" || pathname.startsWith("/resources/");
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Layout(props: { pathname: string; children: ComponentChildren }) {
  const { session, signOut } = useSession();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Fastier Control Plane</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.href}>
                <a
                  href={item.href}
                  aria-current={isCurrent(item.href, props.pathname) ? "page" : undefined}
                  onClick={(event) => followLink(event, item.href)}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {session.me.name} <span class="role">({session.me.role})</span>
          </span>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{props.children}</main>
    </>
  );
}
