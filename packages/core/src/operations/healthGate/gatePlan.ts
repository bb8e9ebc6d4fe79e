import type { CloudPort } from "../../cloud/cloudPort.ts";
import { ConflictError } from "../../errors.ts";
import type { PlanCheck, PlanHealthGate } from "../operationTypes.ts";
import { BASELINE_WINDOW_MINUTES, describeReading, gateBalancerOf, readGateSignals } from "./gateSignals.ts";
import { type HealthGateThresholdsParams, resolveThresholds } from "./healthGateSettings.ts";

const percent = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;

/**
 * The gate as the plan shows it: the balancer it watches, its thresholds and the signals now
 * (the baseline the deploy will start from). Refuses a gate with nothing to watch.
 */
export async function planHealthGate(
  cloud: CloudPort,
  pipelineName: string,
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
  const balancer = await cloud.loadBalancers.findForPipeline(pipelineName);
  if (!balancer) {
    throw new ConflictError(
      "no_health_signal",
      `the cloud shows no load balancer behind ${pipelineName}'s deploy stage, so the health gate has nothing to watch; deploy with "healthGate": false to go without one`,
    );
  }
  const baseline = await readGateSignals(cloud, gateBalancerOf(balancer), now, BASELINE_WINDOW_MINUTES);
  const overThreshold = baseline.ratio5xx !== null && baseline.ratio5xx > thresholds.max5xxRatio;
  return {
    healthGate: { enabled: true, loadBalancer: balancer.loadBalancerArn, thresholds: { ...thresholds }, baseline },
    checks: [
      {
        name: "health gate",
        passed: true,
        detail:
          `watches ${balancer.loadBalancerDimension} during the deploy stage and ${thresholds.bakeMinutes} min after it; ` +
          `rolls back when 5xx > ${percent(thresholds.max5xxRatio)}, latency > baseline + ${thresholds.maxLatencyIncreasePercent}%, ` +
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
