import { endEnvironmentUpdate, noteEnvironmentEvent } from "./simBeanstalkUpdates.ts";
import { endRefresh } from "./simInstanceRefresh.ts";
import { applyDueReplacements } from "./simInstanceReplacement.ts";
import type { SimWorld } from "./simState.ts";

/** Brings instance refreshes and Beanstalk environment updates up to `now`, each ended by its owner. */
export function applyDueInstanceTypeChanges(world: SimWorld, now: number): void {
  applyDueReplacements(
    world,
    now,
    (w, group, outcome, at) => {
      const replacement = group.replacement;
      if (!replacement) return;
      if (replacement.owner.kind === "refresh") endRefresh(group, replacement.owner.refreshId, outcome, at);
      else endEnvironmentUpdate(w, group, replacement.previousType, outcome, at);
    },
    (w, group, at, message) => {
      if (group.replacement?.owner.kind === "environment")
        noteEnvironmentEvent(w, at, "INFO", `Rolling update: ${message}`);
    },
  );
}
