import { EC2_CATALOG, type Ec2InstanceType, ec2TypeOf, monthlyCostUsd } from "./instanceCatalog.ts";

/**
 * The memory utilisation recommendations size for: 20 points of headroom
 * under the 85% warning, the same 20% headroom Compute Optimizer applies to
 * memory by default, so a normal traffic burst does not reopen the finding.
 */
export const DEFAULT_TARGET_MEMORY_PERCENT = 65;

/** Guards ceil() against float noise: 2 × 65 ÷ 65 must stay 2, not become 3. */
const EPSILON = 1e-9;

function checkSizingInput(count: number, peakPercent: number, targetPercent: number) {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`instance count must be a whole number ≥ 1, got ${count}`);
  if (!(peakPercent >= 0 && peakPercent <= 100)) throw new RangeError(`peak must be 0–100%, got ${peakPercent}`);
  if (!(targetPercent > 0 && targetPercent < 100))
    throw new RangeError(`target must be above 0 and under 100%, got ${targetPercent}`);
}

/**
 * Instances needed to bring the per-instance peak to the target, if the
 * group's memory spreads evenly: N = ceil(count × peak ÷ target), never fewer
 * than now. Per-instance overhead (OS, agent, runtime) does not spread, so
 * the real peak after scaling lands somewhat above `count × peak ÷ N`.
 */
export function scaleOutCount(count: number, peakPercent: number, targetPercent = DEFAULT_TARGET_MEMORY_PERCENT) {
  checkSizingInput(count, peakPercent, targetPercent);
  return Math.max(count, Math.ceil((count * peakPercent) / targetPercent - EPSILON));
}

export interface RightsizeOption {
  instanceType: string;
  memoryGiB: number;
  vcpus: number;
  hourlyUsd: number;
  /** The same peak GiB on this type's memory. */
  projectedPeakPercent: number;
  /** For the whole group at its current count, against the current type; negative saves money. */
  monthlyCostDeltaUsd: number;
}

export interface RightsizePlan {
  current: Ec2InstanceType;
  count: number;
  peakPercent: number;
  targetPercent: number;
  /** peak% × the current type's memory: what one instance really used at the peak. */
  peakGiBPerInstance: number;
  /** peakGiBPerInstance ÷ target: the memory a type needs to hold that peak at the target. */
  requiredGiB: number;
  /** Every type that fits, cheapest first. */
  options: RightsizeOption[];
  /** The cheapest that fits; null when none in the catalog does. */
  choice: RightsizeOption | null;
}

export interface RightsizeInput {
  instanceType: string | null;
  count: number;
  peakPercent: number;
  targetPercent?: number;
  catalog?: readonly Ec2InstanceType[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Types that hold the observed peak under the target at the current count.
 * A candidate keeps the architecture (no AMI or wheel rebuild) and at least
 * the vCPUs (memory is not bought with CPU). Null when the current type is
 * not in the catalog: its memory and price are unknown, so nothing can be computed.
 */
export function planRightsize(input: RightsizeInput): RightsizePlan | null {
  const targetPercent = input.targetPercent ?? DEFAULT_TARGET_MEMORY_PERCENT;
  checkSizingInput(input.count, input.peakPercent, targetPercent);
  const catalog = input.catalog ?? EC2_CATALOG;
  const current = ec2TypeOf(input.instanceType, catalog);
  if (!current) return null;
  const peakGiBPerInstance = (input.peakPercent / 100) * current.memoryGiB;
  const requiredGiB = peakGiBPerInstance / (targetPercent / 100);
  const options = catalog
    .filter(
      (candidate) =>
        candidate.instanceType !== current.instanceType &&
        candidate.architecture === current.architecture &&
        candidate.vcpus >= current.vcpus &&
        candidate.memoryGiB >= requiredGiB - EPSILON,
    )
    .sort(
      (a, b) => a.hourlyUsd - b.hourlyUsd || b.memoryGiB - a.memoryGiB || a.instanceType.localeCompare(b.instanceType),
    )
    .map(
      (candidate): RightsizeOption => ({
        instanceType: candidate.instanceType,
        memoryGiB: candidate.memoryGiB,
        vcpus: candidate.vcpus,
        hourlyUsd: candidate.hourlyUsd,
        projectedPeakPercent: round2((peakGiBPerInstance / candidate.memoryGiB) * 100),
        monthlyCostDeltaUsd: monthlyCostUsd(candidate.hourlyUsd - current.hourlyUsd, input.count),
      }),
    );
  return {
    current,
    count: input.count,
    peakPercent: input.peakPercent,
    targetPercent,
    peakGiBPerInstance: round2(peakGiBPerInstance),
    requiredGiB: round2(requiredGiB),
    options,
    choice: options[0] ?? null,
  };
}
