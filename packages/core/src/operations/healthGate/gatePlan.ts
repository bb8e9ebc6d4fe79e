import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { DeployTargetBalancer } from "../../cloud/loadBalancerTypes.ts";
import { ConflictError } from "../../errors.ts";
import type { PlanCheck, PlanHealthGate } from "../operationTypes.ts";
import { BASELINE_WINDOW_MINUTES, describeReading, gateBalancerOf, readGateSignals } from "./gateSignals.ts";
import { type HealthGateThresholdsParams, type ResolvedThresholds, resolveThresholds } from "./healthGateSettings.ts";

const percent = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;

/** What a kind's gate watches, and how the plan says so. */
export interface GateSubject {
  /** The balancer whose signals are the baseline; null refuses the request (409 `no_health_signal`). */
  find(): Promise<DeployTargetBalancer | null>;
  /** Why there is nothing to watch, for the refusal. */
  noSignal: string;
  /** When the gate watches and what it does on a breach, e.g. "during the deploy stage and 10 min after it; rolls back". */
  watches(thresholds: ResolvedThresholds, dimension: string): string;
}

/**
 * The gate as the plan shows it: the balancer it watches, its thresholds and the signals now
 * (the baseline the operation will start from). Refuses a gate with nothing to watch.
 */
export async function planGate(
  cloud: CloudPort,
  subject: GateSubject,
  gate: false | HealthGateThresholdsParams | undefined,
  now: Date,
): Promise<{ healthGate: PlanHealthGate; checks: PlanCheck[] }> {
  const thresholds = resolveThresholds(gate);
  if (!thresholds) {
    return {
      healthGate: { enabled: false, loadBalancer: null, thresholds: null, baseline: null },
      checks: [
        {
          name: "health gate",
          passed: true,
          detail: "off by request: the site is not watched and a bad release is not rolled back by itself",
        },
      ],
    };
  }
  const balancer = await subject.find();
  if (!balancer) throw new ConflictError("no_health_signal", subject.noSignal);
  const baseline = await readGateSignals(cloud, gateBalancerOf(balancer), now, BASELINE_WINDOW_MINUTES);
  const overThreshold = baseline.ratio5xx !== null && baseline.ratio5xx > thresholds.max5xxRatio;
  return {
    healthGate: { enabled: true, loadBalancer: balancer.loadBalancerArn, thresholds: { ...thresholds }, baseline },
    checks: [
      {
        name: "health gate",
        passed: true,
        detail:
          `watches ${subject.watches(thresholds, balancer.loadBalancerDimension)} when 5xx > ${percent(thresholds.max5xxRatio)}, ` +
          `latency > baseline + ${thresholds.maxLatencyIncreasePercent}%, ` +
          `more unhealthy targets than now for ${thresholds.unhealthyTargetGraceMinutes} min, or Beanstalk turns Red`,
      },
      {
        name: "baseline",
        // Shown, not refused: a site already failing may need this very deploy to recover.
        passed: !overThreshold,
        detail: `last ${BASELINE_WINDOW_MINUTES} min: ${describeReading(baseline)}${overThreshold ? " — already over the 5xx threshold: the gate will roll this deploy back at once" : ""}`,
      },
    ],
  };
}

/** A pipeline deploy's gate: the balancer behind the environment its deploy stage updates. */
export function planHealthGate(
  cloud: CloudPort,
  pipelineName: string,
  gate: false | HealthGateThresholdsParams | undefined,
  now: Date,
): Promise<{ healthGate: PlanHealthGate; checks: PlanCheck[] }> {
  return planGate(
    cloud,
    {
      find: () => cloud.loadBalancers.findForPipeline(pipelineName),
      noSignal: `the cloud shows no load balancer behind ${pipelineName}'s deploy stage, so the health gate has nothing to watch; deploy with "healthGate": false to go without one`,
      watches: (thresholds, dimension) =>
        `${dimension} during the deploy stage and ${thresholds.bakeMinutes} min after it; rolls back`,
    },
    gate,
    now,
  );
}
