import { type Static, Type } from "typebox";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { AutoScalingGroupState } from "../../cloud/cloudTypes.ts";
import { replacementBatches, replacementBatchSize } from "../../cloud/instanceTypeTypes.ts";
import { ConflictError } from "../../errors.ts";
import { ec2TypeOf } from "../../health/recommendations/instanceCatalog.ts";
import { defineOperation } from "../defineOperation.ts";
import type { PlanChange, PlanCheck, StepOutcome } from "../operationTypes.ts";
import { BeanstalkStateFields, updateEnvironmentStep, waitEnvironmentStep } from "./beanstalkInstanceTypeSteps.ts";
import { describeGroup } from "./groupLookup.ts";
import {
  createVersionStep,
  DEFAULT_MAX_HEALTHY_PERCENTAGE,
  isActiveRefresh,
  MIN_HEALTHY_PERCENTAGE,
  RefreshStateFields,
  startRefreshStep,
  waitRefreshStep,
} from "./instanceRefreshSteps.ts";
import {
  assertHoldsPeak,
  catalogType,
  costChange,
  instancesToReplace,
  observedMemoryPeak,
  projectPeak,
  runningType,
  runsEverywhere,
} from "./instanceTypeFacts.ts";

const ChangeInstanceTypeBody = Type.Object(
  {
    instanceType: Type.String({
      minLength: 4,
      maxLength: 32,
      pattern: "^[a-z][a-z0-9-]*\\.[a-z0-9]+$",
      description:
        "The EC2 instance type to run, e.g. t3.large (it must be in the catalog, with room for the observed peak)",
    }),
    maxHealthyPercentage: Type.Optional(
      Type.Integer({
        format: "int32",
        minimum: 101,
        maximum: 200,
        description: `Plain groups: capacity a refresh may add while replacing, as % of desired (default ${DEFAULT_MAX_HEALTHY_PERCENTAGE}: all replacements at once)`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type ChangeInstanceTypeParams = Static<typeof ChangeInstanceTypeBody>;

/** What each path's steps keep between ticks. */
const ChangeInstanceTypeState = Type.Object({ ...BeanstalkStateFields.properties, ...RefreshStateFields.properties });
type ChangeInstanceTypeState = Static<typeof ChangeInstanceTypeState>;

/** The group's refusals at plan time: an update or a refresh already changing it. */
async function assertNothingInProgress(cloud: CloudPort, group: AutoScalingGroupState) {
  if (group.beanstalkEnvironmentId) {
    const environment = await cloud.beanstalk.describeEnvironment(group.beanstalkEnvironmentId);
    if (environment.status !== "Ready") {
      throw new ConflictError(
        "environment_update_in_progress",
        `${environment.environmentName}, which owns ${group.name}, is ${environment.status}: try again once it is Ready`,
        { environmentId: environment.environmentId, status: environment.status },
      );
    }
    return { environment };
  }
  const active = (await cloud.autoScaling.describeInstanceRefreshes(group.name)).find(isActiveRefresh);
  if (active) {
    throw new ConflictError(
      "instance_refresh_in_progress",
      `${group.name} has instance refresh ${active.refreshId} ${active.status}: try again once it ends`,
      { refreshId: active.refreshId, status: active.status },
    );
  }
  return { environment: null };
}

/** How the instances are replaced: batch sizes and what keeps capacity up, for the plan. */
function replacementCheck(
  group: AutoScalingGroupState,
  count: number,
  params: ChangeInstanceTypeParams,
  rolling: { enabled: boolean; maxBatchSize: number | null; minInstancesInService: number | null } | null,
): PlanCheck {
  if (rolling && !rolling.enabled) {
    return {
      name: "replacement",
      passed: true,
      detail: `${count} instance(s) replaced at once: the environment's rolling updates are off, so expect downtime`,
    };
  }
  const batchSize = rolling
    ? (rolling.maxBatchSize ?? Math.max(1, Math.ceil(group.minSize / 3)))
    : replacementBatchSize(
        group.desiredCapacity,
        MIN_HEALTHY_PERCENTAGE,
        params.maxHealthyPercentage ?? DEFAULT_MAX_HEALTHY_PERCENTAGE,
      );
  const batches = replacementBatches(count, batchSize);
  const floor = rolling
    ? `rolling update, at least ${rolling.minInstancesInService ?? Math.min(group.minSize, group.maxSize - 1)} in service`
    : `launch before terminate (min healthy ${MIN_HEALTHY_PERCENTAGE}%, max ${params.maxHealthyPercentage ?? DEFAULT_MAX_HEALTHY_PERCENTAGE}%), never fewer than ${group.desiredCapacity} in service; rolls back automatically if it fails`;
  return {
    name: "replacement",
    passed: true,
    detail: `${count} instance(s) replaced in ${batches.length} batch(es) of ${batches.join(", ")}: ${floor}`,
  };
}

/**
 * Change the EC2 instance type of an Auto Scaling group. A group Elastic Beanstalk owns is
 * changed through its environment (`aws:ec2:instances` / `InstanceTypes`), and followed until
 * the environment is Ready again with every instance replaced; a plain group gets a new launch
 * template version and an instance refresh that launches before it terminates and rolls back
 * by itself when it fails.
 */
export const changeInstanceType = defineOperation({
  kind: "change_instance_type",
  targetKinds: ["auto_scaling_group"],
  minRole: "operator",
  path: "instance-type",
  summary: "Change the instance type of an Auto Scaling group (Beanstalk environment update or instance refresh)",
  description:
    "Beanstalk-owned groups: UpdateEnvironment with aws:ec2:instances InstanceTypes, followed until Ready. Plain groups: a new " +
    "launch template version and an instance refresh (MinHealthyPercentage 100, MaxHealthyPercentage up to 200, AutoRollback). " +
    "Refused (422) for a type not in the catalog, of another architecture, or too small for the last day's memory peak; " +
    "(409) while an environment update or an instance refresh is in progress. Nothing is done when every instance already runs the type.",
  body: ChangeInstanceTypeBody,
  state: ChangeInstanceTypeState,
  // Each batch boots and passes health checks in minutes; a large group takes many batches.
  defaultTimeoutMinutes: 90,
  firstStep: "act",

  async plan({ target, params, cloud, now }) {
    const group = await describeGroup(cloud, target.cloudId);
    const current = ec2TypeOf(runningType(group));
    const next = catalogType(params.instanceType, current);
    if (runsEverywhere(group, next.instanceType)) {
      return {
        summary: `${group.name} already runs ${next.instanceType} on every instance; nothing will change`,
        changes: [],
        checks: [{ name: "already there", passed: true, detail: "the operation succeeds without calling the cloud" }],
      };
    }
    const { environment } = await assertNothingInProgress(cloud, group);
    const projection = projectPeak(await observedMemoryPeak(cloud, group.name, now), current, next);
    assertHoldsPeak(projection, next);
    const cost = costChange(current, next, group.desiredCapacity);
    const count = instancesToReplace(group, next.instanceType);
    const changes: PlanChange[] = [
      { field: "instanceType", from: current?.instanceType ?? group.instanceType, to: next.instanceType },
      { field: "memoryGiB", from: current?.memoryGiB ?? null, to: next.memoryGiB },
    ];
    if (cost) changes.push({ field: "monthlyCostUsd", from: cost.from, to: cost.to });
    if (projection) {
      changes.push({ field: "peakMemoryPercent", from: projection.peakPercent, to: projection.projectedPeakPercent });
    }
    const sign = (n: number) => `${n < 0 ? "−" : "+"}$${Math.abs(n).toFixed(2)}/month`;
    return {
      summary:
        `${group.name}: ${current?.instanceType ?? group.instanceType ?? "unknown"} → ${next.instanceType}, ${count} instance(s) replaced` +
        (cost ? `, ${sign(cost.delta)}` : "") +
        (projection
          ? `, the last day's peak ${projection.peakPercent}% would have been ${projection.projectedPeakPercent}%`
          : ""),
      changes,
      checks: [
        {
          name: "path",
          passed: true,
          detail: environment
            ? `Elastic Beanstalk environment ${environment.environmentName} (${environment.environmentId}) owns the group: UpdateEnvironment aws:ec2:instances InstanceTypes, not the group's launch template`
            : "plain group: new launch template version, instance refresh with auto rollback",
        },
        {
          name: "memory at peak",
          passed: true,
          detail: projection
            ? `${projection.peakPercent}% of ${current?.memoryGiB} GiB = ${projection.peakGiBPerInstance} GiB per instance in the last 24 h → ${projection.projectedPeakPercent}% of ${next.memoryGiB} GiB`
            : "no mem_used_percent in the last 24 h (or the current type is unknown): nothing to project",
        },
        {
          name: "cost",
          passed: true,
          detail: cost
            ? `${sign(cost.delta)} for ${group.desiredCapacity} instance(s) on demand ($${cost.from} → $${cost.to})`
            : "unknown: the current type is not in the catalog",
        },
        replacementCheck(group, count, params, environment?.rollingUpdate ?? null),
      ],
    };
  },

  async step({ operation, target, cloud, now }): Promise<StepOutcome<ChangeInstanceTypeState>> {
    const group = await describeGroup(cloud, target.cloudId);
    const { instanceType } = operation.params;
    const state: ChangeInstanceTypeState = operation.state;
    const context = {
      operationId: operation.id,
      instanceType,
      maxHealthyPercentage: operation.params.maxHealthyPercentage ?? DEFAULT_MAX_HEALTHY_PERCENTAGE,
      state,
      group,
      cloud,
      now,
      environmentId: group.beanstalkEnvironmentId ?? "",
    };
    switch (operation.step) {
      case "act":
        // Check before acting: there may be nothing to replace.
        if (runsEverywhere(group, instanceType)) {
          return {
            type: "advance",
            step: "verify",
            message: `every instance of ${group.name} already runs ${instanceType}`,
          };
        }
        return group.beanstalkEnvironmentId ? updateEnvironmentStep(context) : createVersionStep(context);
      case "refresh":
        return startRefreshStep(context);
      case "wait":
        return group.beanstalkEnvironmentId ? waitEnvironmentStep(context) : waitRefreshStep(context);
      case "verify": {
        if (!runsEverywhere(group, instanceType)) {
          return {
            type: "failed",
            code: "not_verified",
            message: `${group.name} launches ${group.instanceType} and runs ${group.instances.map((i) => i.instanceType).join(", ")}, not ${instanceType} everywhere`,
          };
        }
        return {
          type: "succeeded",
          message: `every instance of ${group.name} runs ${instanceType}`,
          result: { instanceType, instances: group.instances.length },
          inventory: { updates: [{ resourceId: target.id, changes: { instanceType } }], creates: [] },
        };
      }
      default:
        return { type: "failed", code: "unknown_step", message: `change_instance_type has no step ${operation.step}` };
    }
  },

  // Once asked for, the environment update or the new version exists; the refresh goes on by itself.
  cancellableIn: (step) => step === "act",
});
