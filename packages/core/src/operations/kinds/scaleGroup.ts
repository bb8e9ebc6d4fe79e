import { type Static, Type } from "typebox";
import type { AutoScalingGroupState } from "../../cloud/cloudTypes.ts";
import { ValidationError } from "../../errors.ts";
import { defineOperation } from "../defineOperation.ts";
import type { PlanChange } from "../operationTypes.ts";
import { describeGroup } from "./groupLookup.ts";
import { Count } from "./requestFields.ts";

const ScaleBody = Type.Object(
  { desiredCapacity: Type.Optional(Count), minSize: Type.Optional(Count), maxSize: Type.Optional(Count) },
  { additionalProperties: false },
);
export type ScaleParams = Static<typeof ScaleBody>;

/** The limits asked for, saved by `act` so that `wait` and `verify` compare against them. */
const ScaleState = Type.Object({
  minSize: Type.Optional(Count),
  maxSize: Type.Optional(Count),
  desiredCapacity: Type.Optional(Count),
});

const RECHECK_MS = 20_000;

/** The limits after the change: given values replace, the rest stay. */
function targetOf(group: Pick<AutoScalingGroupState, "minSize" | "maxSize" | "desiredCapacity">, params: ScaleParams) {
  return {
    minSize: params.minSize ?? group.minSize,
    maxSize: params.maxSize ?? group.maxSize,
    desiredCapacity: params.desiredCapacity ?? group.desiredCapacity,
  };
}

/**
 * Set desired capacity and/or min / max of an Auto Scaling group, then wait
 * until the group has that many instances in service.
 */
export const scaleGroup = defineOperation({
  kind: "scale",
  targetKinds: ["auto_scaling_group"],
  minRole: "operator",
  path: "scale",
  summary: "Set desired capacity and/or min / max of an Auto Scaling group",
  description: "Refused with the group's limits when the result would be outside them.",
  body: ScaleBody,
  state: ScaleState,
  // Instances take a few minutes to launch and pass health checks.
  defaultTimeoutMinutes: 30,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    if (params.desiredCapacity === undefined && params.minSize === undefined && params.maxSize === undefined) {
      throw new ValidationError([
        { field: "/desiredCapacity", rule: "required", message: "give desiredCapacity, minSize or maxSize" },
      ]);
    }
    const group = await describeGroup(cloud, target.cloudId);
    const next = targetOf(group, params);
    const problems = [];
    if (next.minSize > next.maxSize) {
      problems.push({
        field: "/minSize",
        rule: "range",
        message: `minSize ${next.minSize} is above maxSize ${next.maxSize}`,
      });
    }
    if (next.desiredCapacity < next.minSize || next.desiredCapacity > next.maxSize) {
      problems.push({
        field: "/desiredCapacity",
        rule: "range",
        message: `desiredCapacity ${next.desiredCapacity} is outside the group's limits: min ${next.minSize}, max ${next.maxSize}`,
      });
    }
    if (problems.length > 0) {
      throw new ValidationError(problems, "capacity_out_of_limits", {
        limits: { minSize: group.minSize, maxSize: group.maxSize, desiredCapacity: group.desiredCapacity },
      });
    }
    const changes: PlanChange[] = (["minSize", "maxSize", "desiredCapacity"] as const)
      .filter((field) => group[field] !== next[field])
      .map((field) => ({ field, from: group[field], to: next[field] }));
    const inService = group.instances.filter((i) => i.lifecycleState === "InService").length;
    return {
      summary:
        changes.length === 0
          ? `${group.name} already has these limits; nothing will change`
          : `${group.name}: ${changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ")}`,
      changes,
      checks: [
        {
          name: "within limits",
          passed: true,
          detail: `min ${next.minSize} ≤ desired ${next.desiredCapacity} ≤ max ${next.maxSize}`,
        },
        { name: "instances in service", passed: true, detail: `${inService} of ${group.desiredCapacity} now` },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const group = await describeGroup(cloud, target.cloudId);
    // What `act` asked for; before it has run, the group's own limits stand in.
    const next = targetOf(group, operation.state);
    switch (operation.step) {
      case "act": {
        const wanted = targetOf(group, operation.params);
        // Check before acting: after a crash the change may already be in place.
        const limitsChange = wanted.minSize !== group.minSize || wanted.maxSize !== group.maxSize;
        if (limitsChange) await cloud.autoScaling.updateLimits(group.name, wanted);
        else if (wanted.desiredCapacity !== group.desiredCapacity) {
          await cloud.autoScaling.setDesiredCapacity(group.name, wanted.desiredCapacity);
        }
        return {
          type: "advance",
          step: "wait",
          message: `asked for min ${wanted.minSize} / max ${wanted.maxSize} / desired ${wanted.desiredCapacity}`,
          state: wanted,
        };
      }
      case "wait": {
        const inService = group.instances.filter((i) => i.lifecycleState === "InService").length;
        const settled = inService === next.desiredCapacity && group.instances.length === next.desiredCapacity;
        if (!settled) {
          return {
            type: "wait",
            recheckAfterMs: RECHECK_MS,
            message: `${inService} of ${next.desiredCapacity} instances in service`,
            data: { inService, desiredCapacity: next.desiredCapacity, instances: group.instances.length },
          };
        }
        return { type: "advance", step: "verify", message: `${inService} instances in service` };
      }
      case "verify": {
        const actual = { minSize: group.minSize, maxSize: group.maxSize, desiredCapacity: group.desiredCapacity };
        if (
          actual.minSize !== next.minSize ||
          actual.maxSize !== next.maxSize ||
          actual.desiredCapacity !== next.desiredCapacity
        ) {
          return {
            type: "failed",
            code: "not_verified",
            message: `the group has min ${actual.minSize} / max ${actual.maxSize} / desired ${actual.desiredCapacity}, not what was asked; something else changed it`,
          };
        }
        return {
          type: "succeeded",
          message: `${group.name} runs ${actual.desiredCapacity} instances (min ${actual.minSize}, max ${actual.maxSize})`,
          result: actual,
          inventory: { updates: [{ resourceId: target.id, changes: { capacity: actual } }], creates: [] },
        };
      }
      default:
        return { type: "failed", code: "unknown_step", message: `scale has no step ${operation.step}` };
    }
  },

  cancellableIn: (step) => step === "act",
});
