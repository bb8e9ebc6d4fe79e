import { DRILL_DEADLINE_TAG, DRILL_SCRATCH_TAG } from "../../dr/drillEvidence.ts";
import type { Resource } from "../../inventory/types.ts";
import type { RuleEvaluation } from "./findingTypes.ts";

export const isDrillScratch = (resource: Pick<Resource, "tags">) => resource.tags[DRILL_SCRATCH_TAG] !== undefined;

/**
 * A DR drill's scratch instance still there after its drill's deadline. The deadline tag already
 * counts the drill's cleanup time, and the reconciler ends a drill by then at the latest, so past it
 * no running drill will delete the instance: it is billed until someone does. A scratch instance
 * whose tag is unreadable is reported at once, since nothing says a drill still owns it.
 */
export function evaluateDrillScratchLeftBehind(resource: Resource, now: Date): RuleEvaluation[] {
  if (resource.kind !== "db_instance" || !isDrillScratch(resource) || resource.status === "gone") return [];
  const drill = resource.tags[DRILL_SCRATCH_TAG];
  const deadline = Date.parse(resource.tags[DRILL_DEADLINE_TAG] ?? "");
  const base = { ruleId: "dr_drill_scratch_left_behind" as const, resourceId: resource.id, evidence: [] };
  if (!Number.isNaN(deadline) && now.getTime() <= deadline) {
    return [
      {
        ...base,
        verdict: "clear",
        summary: `${resource.name} belongs to DR drill ${drill}, which may still delete it`,
      },
    ];
  }
  const since = Number.isNaN(deadline)
    ? "its deadline is not readable"
    : `its drill's deadline passed at ${new Date(deadline).toISOString()}`;
  return [
    {
      ...base,
      verdict: "firing",
      severity: "warning",
      summary: `${resource.name} is the scratch instance of DR drill ${drill}, left behind (${since}): it is billed; delete it without a final snapshot`,
    },
  ];
}
