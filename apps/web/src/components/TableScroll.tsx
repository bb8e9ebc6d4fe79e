import type { ComponentChildren } from "preact";

/**
 * A wide table scrolls sideways on its own (the page never does, even at a
 * phone's width); it can take keyboard focus so that it can be scrolled without a mouse.
 */
export function TableScroll(props: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
    <section class="table-wrap" tabIndex={0} aria-label={props.label}>
      {props.children}
    </section>
  );
}
