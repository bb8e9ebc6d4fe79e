import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { MemoryScalingPolicy } from "../../cloud/cloudTypes.ts";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { DEFAULT_TARGET_MEMORY_PERCENT } from "../../health/recommendations/capacityPlanning.ts";
import { defineOperation } from "../defineOperation.ts";
import type { PlanChange } from "../operationTypes.ts";

/** Below 20% a group would run mostly idle; above 95% it scales only once memory has run out. */
const TargetPercent = Type.Integer({ format: "int32", minimum: 20, maximum: 95 });

const MemoryPolicyBody = Type.Object(
  {
    targetPercent: Type.Optional({
      ...TargetPercent,
      description: `Average mem_used_percent to keep the group at; ${DEFAULT_TARGET_MEMORY_PERCENT} when not given`,
    }),
    replaceExisting: Type.Optional(
      Type.Boolean({ description: "Replace a memory policy the group already has at another target" }),
    ),
  },
  { additionalProperties: false },
);
export type MemoryPolicyParams = Static<typeof MemoryPolicyBody>;

/** The policy `act` put, so that `verify` compares against it. */
const MemoryPolicyState = Type.Object({
  policyName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  targetPercent: Type.Optional(TargetPercent),
});

/** The name of the policy this operation creates when the group has none. */
export const memoryPolicyNameOf = (groupName: string) => `${groupName}-memory-target-tracking`.slice(0, 255);

const targetOf = (params: MemoryPolicyParams) => params.targetPercent ?? DEFAULT_TARGET_MEMORY_PERCENT;

async function existingPolicy(cloud: CloudPort, groupName: string): Promise<MemoryScalingPolicy | null> {
  const [group] = await cloud.autoScaling.describeGroups([groupName]);
  if (!group) throw new NotFoundError("auto_scaling_group", groupName);
  return cloud.autoScaling.describeMemoryTargetTracking(groupName);
}

/** Refuses to overwrite someone's policy at another target unless the request says so. */
function assertReplaceable(groupName: string, existing: MemoryScalingPolicy | null, params: MemoryPolicyParams) {
  const target = targetOf(params);
  if (!existing || existing.targetPercent === target || params.replaceExisting === true) return;
  throw new ConflictError(
    "memory_policy_exists",
    `${groupName} already scales on memory at ${existing.targetPercent}% (policy ${existing.policyName}); ` +
      `ask again with replaceExisting: true to change it to ${target}%`,
    { existingPolicy: existing, requestedTargetPercent: target },
  );
}

/**
 * A target-tracking scaling policy on the group's average CloudWatch agent
 * `mem_used_percent`, so it adds instances before memory runs out. A policy
 * already at the same target is success without a change; one at another
 * target is replaced (under its own name) only when asked.
 */
export const putMemoryScalingPolicy = defineOperation({
  kind: "put_memory_scaling_policy",
  targetKinds: ["auto_scaling_group"],
  minRole: "operator",
  path: "memory-scaling-policy",
  summary: "Scale an Auto Scaling group on memory (target tracking on CWAgent mem_used_percent)",
  description:
    `Puts a target-tracking policy on the group's average CWAgent mem_used_percent (default target ${DEFAULT_TARGET_MEMORY_PERCENT}%). ` +
    "Refused (409 memory_policy_exists) when the group already has one at another target, unless replaceExisting is true. " +
    "The instances must publish the metric (the CloudWatch agent) for the policy to act.",
  body: MemoryPolicyBody,
  state: MemoryPolicyState,
  // One API call and a read-back; no instances start.
  defaultTimeoutMinutes: 15,
  firstStep: "act",

  async plan({ target, params, cloud }) {
    const existing = await existingPolicy(cloud, target.cloudId);
    assertReplaceable(target.cloudId, existing, params);
    const wanted = targetOf(params);
    const same = existing?.targetPercent === wanted;
    const changes: PlanChange[] = same
      ? []
      : [{ field: "memoryTargetPercent", from: existing?.targetPercent ?? null, to: wanted }];
    const targetFrom = params.targetPercent === undefined ? `the default ${wanted}%` : `${wanted}% as asked`;
    return {
      summary: same
        ? `${target.cloudId} already scales on memory at ${wanted}% (policy ${existing?.policyName}); nothing will change`
        : existing
          ? `${target.cloudId}: replace memory target ${existing.targetPercent}% with ${wanted}% (policy ${existing.policyName})`
          : `${target.cloudId}: add target tracking on average CWAgent mem_used_percent at ${wanted}%`,
      changes,
      checks: [
        {
          name: "existing memory policy",
          passed: true,
          detail: existing ? `${existing.policyName} at ${existing.targetPercent}%` : "none",
        },
        { name: "target", passed: true, detail: targetFrom },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const groupName = target.cloudId;
    const existing = await existingPolicy(cloud, groupName);
    switch (operation.step) {
      case "act": {
        const wanted = targetOf(operation.params);
        // Check before acting: after a crash (or a policy put by hand) it may already be in place.
        if (existing?.targetPercent === wanted) {
          return {
            type: "advance",
            step: "verify",
            message: `${existing.policyName} already tracks memory at ${wanted}%`,
            state: { policyName: existing.policyName, targetPercent: wanted },
          };
        }
        // The plan's refusal stands at run time too: someone may have put one since.
        assertReplaceable(groupName, existing, operation.params);
        const policy = { policyName: existing?.policyName ?? memoryPolicyNameOf(groupName), targetPercent: wanted };
        await cloud.autoScaling.putMemoryTargetTracking(groupName, policy);
        return {
          type: "advance",
          step: "verify",
          message: `put ${policy.policyName} at ${wanted}%`,
          state: policy,
        };
      }
      case "verify": {
        const wanted = operation.state.targetPercent ?? targetOf(operation.params);
        if (!existing || existing.targetPercent !== wanted) {
          return {
            type: "failed",
            code: "not_verified",
            message: existing
              ? `${groupName} tracks memory at ${existing.targetPercent}%, not ${wanted}%; something else changed it`
              : `${groupName} has no memory scaling policy after it was put; something removed it`,
          };
        }
        return {
          type: "succeeded",
          message: `${groupName} scales on memory at ${wanted}% (policy ${existing.policyName})`,
          result: { policyName: existing.policyName, targetPercent: existing.targetPercent },
          inventory: {
            updates: [
              { resourceId: target.id, changes: { attributes: { ...target.attributes, memoryTargetTracking: true } } },
            ],
            creates: [],
          },
        };
      }
      default:
        return {
          type: "failed",
          code: "unknown_step",
          message: `put_memory_scaling_policy has no step ${operation.step}`,
        };
    }
  },

  cancellableIn: (step) => step === "act",
});
