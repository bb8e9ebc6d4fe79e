import type { Recommendation, RecommendationKind } from "./recommendations.ts";

export type SupersedeReason = "finding_resolved" | "numbers_changed" | "no_longer_recommended" | "duplicate";

export interface SupersedeResult<Existing extends Recommendation = Recommendation> {
  /** Existing recommendations still valid as they are (they keep their id and any link to them). */
  keep: Existing[];
  /** Fresh recommendations to store. */
  add: Recommendation[];
  superseded: { recommendation: Existing; reason: SupersedeReason; replacedBy: Recommendation | null }[];
}

/** Scaling out and raising the max are one remedy at two sizes: as the peak grows, one replaces the other. */
const slotOf = (kind: RecommendationKind) => (kind === "raise_max_capacity" ? "scale_out" : kind);
const recommendationKey = (r: Pick<Recommendation, "resourceId" | "kind">) => `${r.resourceId}\u0000${slotOf(r.kind)}`;
const sameProposal = (a: Recommendation["proposal"], b: Recommendation["proposal"]) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value);

/**
 * Compares the recommendations on record with those just computed from the
 * open findings (one per resource and kind; scale-out and raise-max count as one). An existing one is superseded
 * when its finding resolved (nothing fresh answers that finding, or a new
 * finding replaced it), when what it proposes changed (e.g. 3 instances
 * became 4), or when its finding no longer calls for it. A changed rationale
 * alone (the peak moved from 90.1% to 90.4%) keeps it: proposals, not
 * observations, decide.
 */
export function supersede<Existing extends Recommendation>(
  existing: Existing[],
  fresh: Recommendation[],
): SupersedeResult<Existing> {
  const freshByKey = new Map<string, Recommendation>();
  for (const recommendation of fresh) {
    const key = recommendationKey(recommendation);
    if (freshByKey.has(key)) {
      throw new RangeError(`two fresh ${recommendation.kind} recommendations for ${recommendation.resourceId}`);
    }
    freshByKey.set(key, recommendation);
  }
  const result: SupersedeResult<Existing> = { keep: [], add: [], superseded: [] };
  const kept = new Set<string>();
  for (const old of existing) {
    const replacement = freshByKey.get(recommendationKey(old)) ?? null;
    if (kept.has(recommendationKey(old))) {
      result.superseded.push({ recommendation: old, reason: "duplicate", replacedBy: null });
      continue;
    }
    const unchanged = replacement?.kind === old.kind && sameProposal(replacement.proposal, old.proposal);
    if (replacement && replacement.findingId === old.findingId && unchanged) {
      result.keep.push(old);
      kept.add(recommendationKey(old));
      continue;
    }
    const findingStillAnswered = fresh.some((r) => r.findingId === old.findingId);
    const reason: SupersedeReason = !findingStillAnswered
      ? "finding_resolved"
      : replacement
        ? "numbers_changed"
        : "no_longer_recommended";
    result.superseded.push({ recommendation: old, reason, replacedBy: replacement });
  }
  result.add = fresh.filter((r) => !kept.has(recommendationKey(r)));
  return result;
}
