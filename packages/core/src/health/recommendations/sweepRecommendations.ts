import type { Resource } from "../../inventory/types.ts";
import { IN_SERVICE_METRIC, INSTANCE_MEMORY_METRIC } from "../rules/evaluateResource.ts";
import type { Finding } from "../rules/findingTypes.ts";
import type { StoredRecommendation } from "../sweep/sweepTypes.ts";
import { type Recommendation, type RecommendationContext, recommendationsFor } from "./recommendations.ts";
import { type SupersedeResult, supersede } from "./supersedeRecommendations.ts";

/** The group size the finding's latest memory evidence was seen at, if recorded. */
function observedGroupSize(finding: Finding): number | undefined {
  return finding.evidence.findLast((point) => point.metric === IN_SERVICE_METRIC)?.value;
}

/** The memory of one instance when the finding's latest memory evidence was seen, if recorded. */
function observedInstanceMemoryGiB(finding: Finding): number | undefined {
  const bytes = finding.evidence.findLast((point) => point.metric === INSTANCE_MEMORY_METRIC)?.value;
  return bytes === undefined ? undefined : bytes / 1024 ** 3;
}

/**
 * The recommendations the open findings call for now. An instance inside an
 * Auto Scaling group gets none of its own: the group's finding carries the
 * remedy (scale the group), and the instance may be replaced anyway.
 * A finding whose recommendations cannot be computed is reported, not fatal.
 */
export function recommendationsForFindings(
  openFindings: Finding[],
  resourcesById: ReadonlyMap<string, Resource>,
  targetMemoryPercent: number,
  defaults: Pick<RecommendationContext, "backupReplication"> = {},
): { recommendations: Recommendation[]; errors: { resourceId: string; message: string }[] } {
  const recommendations: Recommendation[] = [];
  const errors: { resourceId: string; message: string }[] = [];
  for (const finding of openFindings) {
    const resource = resourcesById.get(finding.resourceId);
    if (!resource) continue;
    if (resource.kind === "instance" && resource.parentId && resourcesById.has(resource.parentId)) continue;
    const tracking = resource.attributes.memoryTargetTracking;
    try {
      recommendations.push(
        ...recommendationsFor(finding, {
          resource,
          inServiceCount: observedGroupSize(finding),
          observedOnMemoryGiB: observedInstanceMemoryGiB(finding),
          hasMemoryTargetTracking: typeof tracking === "boolean" ? tracking : undefined,
          targetMemoryPercent,
          ...defaults,
        }),
      );
    } catch (error) {
      errors.push({ resourceId: resource.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { recommendations, errors };
}

/**
 * `supersede`, except that a recommendation someone acted on (applied or
 * dismissed) stays with its finding until the finding resolves or newer
 * numbers replace it: once a scale-out has run, the same numbers no longer
 * call for it, but it is still the answer to that finding. So an applied
 * remedy closes as `finding_resolved` once it has relieved the pressure: a
 * memory policy that sync sees in place has not, by that alone.
 */
export function settleRecommendations(
  current: StoredRecommendation[],
  fresh: Recommendation[],
): SupersedeResult<StoredRecommendation> {
  const result = supersede(current, fresh);
  const actedOn = (r: StoredRecommendation) => r.status === "applied" || r.status === "dismissed";
  return {
    ...result,
    superseded: result.superseded.filter(
      ({ recommendation, reason }) => !(actedOn(recommendation) && reason === "no_longer_recommended"),
    ),
  };
}
