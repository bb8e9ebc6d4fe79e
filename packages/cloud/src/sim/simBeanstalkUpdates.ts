import type { BeanstalkEnvironmentState, BeanstalkEvent } from "@fastier/core";
import { simError } from "./simErrors.ts";
import { startReplacement } from "./simInstanceReplacement.ts";
import type { SimAutoScalingGroup, SimChange, SimContext, SimWorld } from "./simState.ts";
import { toDate, toIso, toMs } from "./simTime.ts";

/**
 * The Beanstalk environment's configuration changes, as UpdateEnvironment with
 * `aws:ec2:instances` `InstanceTypes` makes them: the status goes Updating, Beanstalk gives its
 * group a new launch template version with the first type, replaces the instances in rolling
 * batches (`MaxBatchSize` at a time, each batch in service before the old ones leave, so at least
 * `MinInstancesInService` stay), writes events as it goes, and is Ready again at the end. When new
 * instances fail (see simInstanceReplacement.ts) the update fails, the configuration goes back,
 * and the environment is Ready on the previous type.
 */

const MAX_EVENTS = 100;

function findEnvironment(world: SimWorld, environmentId: string) {
  const environment = world.beanstalkEnvironment;
  if (environment.cloudId !== environmentId && environment.name !== environmentId) {
    throw simError(
      "not_found",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `No Environment found for EnvironmentId = '${environmentId}'.`,
    );
  }
  return environment;
}

const ownedGroup = (world: SimWorld): SimAutoScalingGroup | undefined =>
  world.groups.find((group) => group.parentCloudId === world.beanstalkEnvironment.cloudId);

export function describeEnvironment(world: SimWorld, environmentId: string): BeanstalkEnvironmentState {
  const environment = findEnvironment(world, environmentId);
  const config = world.environmentConfig;
  const group = ownedGroup(world);
  const inService = group?.instances.filter((i) => i.lifecycleState === "InService").length ?? 0;
  return {
    environmentId: environment.cloudId,
    environmentName: environment.name,
    status: config.status,
    // Beanstalk shows Grey while it updates, Yellow when fewer than the minimum serve.
    health: config.status === "Updating" ? "Grey" : group && inService < group.minSize ? "Yellow" : "Green",
    instanceTypes: [...config.instanceTypes],
    rollingUpdate: { ...config.rollingUpdate },
  };
}

/** Events at or after `since`, oldest first. */
export function describeEvents(world: SimWorld, environmentId: string, since: Date): BeanstalkEvent[] {
  findEnvironment(world, environmentId);
  return world.environmentConfig.events
    .filter((event) => toMs(event.at) >= since.getTime())
    .map((event) => ({ at: toDate(event.at), severity: event.severity, message: event.message }));
}

export function noteEnvironmentEvent(
  world: SimWorld,
  at: number,
  severity: "INFO" | "WARN" | "ERROR",
  message: string,
): void {
  world.environmentConfig.events.push({ at: toIso(at), severity, message });
  world.environmentConfig.events = world.environmentConfig.events.slice(-MAX_EVENTS);
}

export function updateInstanceTypes(
  world: SimWorld,
  ctx: SimContext,
  environmentId: string,
  instanceTypes: string[],
): SimChange<void> {
  const next = structuredClone(world);
  const environment = findEnvironment(next, environmentId);
  const config = next.environmentConfig;
  if (config.status !== "Ready") {
    throw simError(
      "invalid_state",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `Environment named ${environment.name} is in an invalid state for this operation. Must be Ready.`,
    );
  }
  const [first] = instanceTypes;
  if (!first || instanceTypes.length > 40) {
    throw simError(
      "invalid_request",
      "elasticbeanstalk",
      "ConfigurationValidationException",
      "InstanceTypes must list 1 to 40 types.",
    );
  }
  const group = ownedGroup(next);
  config.instanceTypes = [...instanceTypes];
  noteEnvironmentEvent(next, ctx.now, "INFO", "Environment update is starting.");
  if (!group || first === group.instanceType) {
    noteEnvironmentEvent(next, ctx.now, "INFO", "Environment update completed successfully.");
    return { world: next, result: undefined };
  }
  config.status = "Updating";
  const previousType = group.instanceType;
  // Beanstalk writes the type into its group's launch template itself.
  const versionNumber = Math.max(...group.launchTemplateVersions.map((v) => v.versionNumber)) + 1;
  group.launchTemplateVersions.push({
    versionNumber,
    instanceType: first,
    description: null,
    createdAt: toIso(ctx.now),
  });
  group.launchTemplateVersion = versionNumber;
  group.instanceType = first;
  noteEnvironmentEvent(
    next,
    ctx.now,
    "INFO",
    `Updating Auto Scaling group ${group.name}: instance type ${previousType} → ${first}.`,
  );
  startReplacement(
    next,
    group,
    ctx,
    {
      owner: { kind: "environment" },
      instanceType: first,
      previousType,
      batchSize: config.rollingUpdate.enabled ? config.rollingUpdate.maxBatchSize : group.desiredCapacity,
    },
    (w, _g, at, message) => noteEnvironmentEvent(w, at, "INFO", `Rolling update: ${message}`),
  );
  return { world: next, result: undefined };
}

/** The update's end: Ready on the new type, or (failed) the configuration and the group back on the previous one. */
export function endEnvironmentUpdate(
  world: SimWorld,
  group: SimAutoScalingGroup,
  previousType: string,
  outcome: "succeeded" | "failed",
  at: number,
): void {
  const config = world.environmentConfig;
  config.status = "Ready";
  if (outcome === "succeeded") {
    noteEnvironmentEvent(world, at, "INFO", "Environment update completed successfully.");
    return;
  }
  const failedType = config.instanceTypes[0];
  config.instanceTypes = [previousType, ...config.instanceTypes.filter((t) => t !== previousType && t !== failedType)];
  const versionNumber = Math.max(...group.launchTemplateVersions.map((v) => v.versionNumber)) + 1;
  group.launchTemplateVersions.push({
    versionNumber,
    instanceType: previousType,
    description: null,
    createdAt: toIso(at),
  });
  group.launchTemplateVersion = versionNumber;
  group.instanceType = previousType;
  noteEnvironmentEvent(
    world,
    at,
    "ERROR",
    `Instances of ${failedType} failed their health checks; rolling back the configuration to ${previousType}.`,
  );
  noteEnvironmentEvent(world, at, "ERROR", "Failed to deploy configuration.");
}
