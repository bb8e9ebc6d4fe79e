import { judgeReading } from "../healthGate/gateJudgement.ts";
import {
  BASELINE_WINDOW_MINUTES,
  describeReading,
  gateBalancerOf,
  readGateSignals,
  WATCH_WINDOW_MINUTES,
} from "../healthGate/gateSignals.ts";
import type { ResolvedThresholds } from "../healthGate/healthGateSettings.ts";
import type { StepOutcome } from "../operationTypes.ts";
import type { BlueGreenState, BlueGreenStepContext } from "./blueGreenState.ts";

/**
 * The health gate of a blue/green deploy, with the same thresholds and signals as a pipeline
 * deploy's: a baseline from the live (blue) environment's balancer before anything is made, the
 * green environment judged on its own balancer (health checks and warm-up requests) before the
 * swap, and the live environment watched through the drain after it. A breach before the swap
 * discards green; after it, swaps back by the same step a cancel does.
 */

/** How long green is judged before the swap: a watch window, or the unhealthy-target grace when that is longer. */
export const greenJudgeMinutes = (thresholds: ResolvedThresholds) =>
  Math.max(WATCH_WINDOW_MINUTES, thresholds.unhealthyTargetGraceMinutes);

/** The drain is the bake of a blue/green deploy: it lasts at least `bakeMinutes` when the gate is on. */
export const drainMinutesOf = (drainMinutes: number, thresholds: ResolvedThresholds | null) =>
  Math.max(drainMinutes, thresholds?.bakeMinutes ?? 0);

const JUDGE_RECHECK_MS = 30_000;

type Outcome = StepOutcome<BlueGreenState>;

/** The live environment's signals before anything is made; an outcome ending the operation when there is nothing to watch. */
export async function blueBaseline(
  context: BlueGreenStepContext,
): Promise<{ state: BlueGreenState; message: string } | { failed: Outcome } | null> {
  const { cloud, blueName, thresholds, state, now } = context;
  if (!thresholds || state.gateBaseline) return null;
  const balancer = await cloud.loadBalancers.findForEnvironment(blueName);
  if (!balancer) {
    return {
      failed: {
        type: "failed",
        code: "no_health_signal",
        message: `the cloud shows no load balancer for ${blueName}, so the health gate has nothing to compare green with; deploy with "healthGate": false to go without one`,
      },
    };
  }
  const baseline = await readGateSignals(cloud, gateBalancerOf(balancer), now, BASELINE_WINDOW_MINUTES);
  return {
    state: { gateBaseline: baseline },
    message: `health gate baseline on ${balancer.loadBalancerDimension}: ${describeReading(baseline)}`,
  };
}

/** One judgement of an environment's balancer against the blue baseline. */
async function judge(
  context: BlueGreenStepContext,
  balancer: BlueGreenState["greenBalancer"],
  during: "green" | "drain",
) {
  const { cloud, now, state } = context;
  if (!balancer || !state.gateBaseline || !context.thresholds) return null;
  const reading = await readGateSignals(cloud, balancer, now, WATCH_WINDOW_MINUTES);
  const judged = judgeReading(context.thresholds, state.gateBaseline, reading, state.unhealthySince ?? null, during);
  return { reading, judged };
}

/**
 * `judge`: green, Ready, is watched on its own balancer for a few minutes; a breach discards it
 * (the live environment untouched), a clean watch lets the swap go ahead.
 */
export async function judgeGreenStep(
  context: BlueGreenStepContext,
  discard: (
    ending: "failed" | "cancelled",
    code: string,
    message: string,
    state?: BlueGreenState,
    data?: Record<string, unknown>,
  ) => Outcome,
): Promise<Outcome> {
  const { cloud, greenName, state, now, thresholds } = context;
  if (context.cancelRequested) return discard("cancelled", "cancelled", `cancelled while ${greenName} was judged`);
  if (!thresholds || !state.gateBaseline) return { type: "advance", step: "swap", message: "health gate off" };
  let greenBalancer = state.greenBalancer;
  if (!greenBalancer) {
    const found = await cloud.loadBalancers.findForEnvironment(greenName);
    if (!found) {
      return discard(
        "failed",
        "no_health_signal",
        `the cloud shows no load balancer for ${greenName}: nothing to judge it by`,
      );
    }
    greenBalancer = gateBalancerOf(found);
  }
  const looked = await judge({ ...context, state: { ...state, greenBalancer } }, greenBalancer, "green");
  if (!looked) return { type: "advance", step: "swap", message: "health gate off" };
  const { reading, judged } = looked;
  if (judged.breach) {
    return discard(
      "failed",
      "green_unhealthy",
      `health gate refused ${greenName} before the swap: ${judged.breach.message}; the live environment was not touched`,
      { greenBalancer, breach: judged.breach, unhealthySince: judged.unhealthySince },
      { breach: judged.breach, reading, baseline: state.gateBaseline },
    );
  }
  const minutes = greenJudgeMinutes(thresholds);
  const readyAt = Date.parse(state.greenReadyAt ?? now.toISOString());
  const left = readyAt + minutes * 60_000 - now.getTime();
  const keep = { greenBalancer, unhealthySince: judged.unhealthySince };
  if (left <= 0) {
    return {
      type: "advance",
      step: "swap",
      message: `${greenName} passed the health gate over ${minutes} min: ${describeReading(reading)}`,
      state: keep,
      data: { reading },
    };
  }
  return {
    type: "wait",
    recheckAfterMs: Math.min(JUDGE_RECHECK_MS, left),
    message: `judging ${greenName} by the health gate, ${Math.ceil(left / 60_000)} min left: ${describeReading(reading)}`,
    state: keep,
  };
}

/** One look at the live (green) environment during the drain: a breach to swap back on, or a line for the events. */
export async function watchLive(
  context: BlueGreenStepContext,
): Promise<{ breach: Outcome | null; reading: string | null; state: BlueGreenState }> {
  const looked = await judge(context, context.state.greenBalancer, "drain");
  if (!looked) return { breach: null, reading: null, state: {} };
  const { reading, judged } = looked;
  const state = { unhealthySince: judged.unhealthySince };
  if (!judged.breach) return { breach: null, reading: describeReading(reading), state };
  return {
    breach: {
      type: "advance",
      step: "swap-back",
      message: `health gate breached after the swap: ${judged.breach.message}; swapping back to ${context.blueName}`,
      state: { ...state, breach: judged.breach },
      data: { breach: judged.breach, reading, baseline: context.state.gateBaseline },
    },
    reading: describeReading(reading),
    state,
  };
}
