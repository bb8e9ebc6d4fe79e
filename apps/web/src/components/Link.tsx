import type { ComponentChildren } from "preact";
import { followLink } from "../router.ts";

/** An in-app link: a real `<a href>` (open in a new tab works), followed without a page load. */
export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={props.href} class={props.class} onClick={(event) => followLink(event, props.href)}>
      {props.children}
    </a>
  );
}
