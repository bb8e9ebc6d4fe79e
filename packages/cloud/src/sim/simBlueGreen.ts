import type { BeanstalkEnvironmentSummary, CloneEnvironmentRequest, ConfigurationTemplateRequest } from "@fastier/core";
import { FAULTY_REVISION_PREFIX } from "./faultyReleases.ts";
import { describeEnvironment } from "./simBeanstalkUpdates.ts";
import { cnameOf } from "./simBlueGreenState.ts";
import { simError } from "./simErrors.ts";
import type { SimChange, SimContext, SimWorld } from "./simState.ts";
import { toIso, toMs } from "./simTime.ts";

/**
 * Elastic Beanstalk's blue/green pieces: configuration templates saved from the live
 * environment, environments cloned from them with another application version (Launching for
 * a few simulated minutes, then Ready and Green, on a CNAME of their own), the swap of two
 * environments' CNAMEs, and termination over minutes. Statuses follow from the stored times
 * and the clock alone, so nothing needs a transition. A version whose label begins with `faulty-`
 * (as a faulty release's revision does) comes up Ready but Red: its instances fail their checks. A clone serves no load of its own: the
 * load model stays on the live environment's group.
 */

export const CLONE_LAUNCH_MS = 8 * 60_000;
export const TERMINATE_MS = 5 * 60_000;

const notFound = (what: string) =>
  simError("not_found", "elasticbeanstalk", "InvalidParameterValue", `No Environment found for ${what}.`);

export function terminationStatus(world: SimWorld, environmentId: string, now: number): string | null {
  const at = world.blueGreen.terminations[environmentId];
  if (!at) return null;
  return now < toMs(at) + TERMINATE_MS ? "Terminating" : "Terminated";
}

/** Every environment the account has had, as Beanstalk describes it at `now`. */
export function blueGreenEnvironments(world: SimWorld, now: number): BeanstalkEnvironmentSummary[] {
  const live = world.beanstalkEnvironment;
  const liveStatus = terminationStatus(world, live.cloudId, now) ?? world.environmentConfig.status;
  const summaries: BeanstalkEnvironmentSummary[] = [
    {
      environmentId: live.cloudId,
      environmentName: live.name,
      applicationName: String(live.attributes.applicationName ?? "fastier-web"),
      status: liveStatus,
      health: liveStatus === "Ready" ? describeEnvironment(world, live.cloudId).health : "Grey",
      cname: world.blueGreen.cnames[live.cloudId] ?? "",
      versionLabel: world.blueGreen.liveVersionLabel,
    },
  ];
  for (const clone of world.blueGreen.clones) {
    const status =
      terminationStatus(world, clone.environmentId, now) ?? (now < toMs(clone.readyAt) ? "Launching" : "Ready");
    summaries.push({
      environmentId: clone.environmentId,
      environmentName: clone.name,
      applicationName: clone.applicationName,
      status,
      health: status !== "Ready" ? "Grey" : clone.versionLabel.startsWith(FAULTY_REVISION_PREFIX) ? "Red" : "Green",
      cname: world.blueGreen.cnames[clone.environmentId] ?? "",
      versionLabel: clone.versionLabel,
    });
  }
  return summaries;
}

export function findEnvironmentByName(world: SimWorld, now: number, name: string) {
  return blueGreenEnvironments(world, now).find((e) => e.environmentName === name && e.status !== "Terminated") ?? null;
}

export function configurationTemplateExists(world: SimWorld, applicationName: string, templateName: string) {
  return world.blueGreen.configurationTemplates.some(
    (t) => t.applicationName === applicationName && t.templateName === templateName,
  );
}

function liveById(world: SimWorld, now: number, environmentId: string) {
  const found = blueGreenEnvironments(world, now).find(
    (e) => e.environmentId === environmentId && e.status !== "Terminated",
  );
  if (!found) throw notFound(`EnvironmentId = '${environmentId}'`);
  return found;
}

export function createConfigurationTemplate(
  world: SimWorld,
  ctx: SimContext,
  request: ConfigurationTemplateRequest,
): SimChange<void> {
  liveById(world, ctx.now, request.environmentId);
  if (configurationTemplateExists(world, request.applicationName, request.templateName)) {
    throw simError(
      "invalid_request",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `Configuration Template ${request.templateName} already exists.`,
    );
  }
  const next = structuredClone(world);
  next.blueGreen.configurationTemplates.push({
    applicationName: request.applicationName,
    templateName: request.templateName,
    sourceEnvironmentId: request.environmentId,
  });
  return { world: next, result: undefined };
}

export function createEnvironment(
  world: SimWorld,
  ctx: SimContext,
  request: CloneEnvironmentRequest,
): SimChange<BeanstalkEnvironmentSummary> {
  if (!configurationTemplateExists(world, request.applicationName, request.templateName)) {
    throw simError(
      "invalid_request",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `No Configuration Template named '${request.applicationName}/${request.templateName}' found.`,
    );
  }
  if (!world.blueGreen.applicationVersions.includes(request.versionLabel)) {
    throw simError(
      "invalid_request",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `No Application Version named '${request.versionLabel}' found.`,
    );
  }
  const cname = cnameOf(request.cnamePrefix, world.region);
  const taken = blueGreenEnvironments(world, ctx.now).some(
    (e) => e.status !== "Terminated" && (e.environmentName === request.environmentName || e.cname === cname),
  );
  if (taken) {
    throw simError(
      "invalid_request",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `Environment ${request.environmentName} or CNAME ${cname} already exists.`,
    );
  }
  const next = structuredClone(world);
  next.sequence += 1;
  const environmentId = `e-${next.idSalt.replace(/[^a-z0-9]/g, "").slice(0, 4)}g${String(next.sequence).padStart(5, "0")}`;
  next.blueGreen.clones.push({
    environmentId,
    name: request.environmentName,
    applicationName: request.applicationName,
    templateName: request.templateName,
    versionLabel: request.versionLabel,
    createdAt: toIso(ctx.now),
    readyAt: toIso(ctx.now + CLONE_LAUNCH_MS),
  });
  next.blueGreen.cnames[environmentId] = cname;
  return { world: next, result: liveById(next, ctx.now, environmentId) };
}

export function swapEnvironmentCnames(
  world: SimWorld,
  ctx: SimContext,
  sourceEnvironmentId: string,
  destinationEnvironmentId: string,
): SimChange<void> {
  const source = liveById(world, ctx.now, sourceEnvironmentId);
  const destination = liveById(world, ctx.now, destinationEnvironmentId);
  for (const environment of [source, destination]) {
    if (environment.status !== "Ready") {
      throw simError(
        "invalid_state",
        "elasticbeanstalk",
        "InvalidParameterValue",
        `Environment named ${environment.environmentName} is in an invalid state for this operation. Must be Ready.`,
      );
    }
  }
  const next = structuredClone(world);
  next.blueGreen.cnames[sourceEnvironmentId] = destination.cname;
  next.blueGreen.cnames[destinationEnvironmentId] = source.cname;
  return { world: next, result: undefined };
}

export function terminateEnvironment(world: SimWorld, ctx: SimContext, environmentId: string): SimChange<void> {
  const environment = liveById(world, ctx.now, environmentId);
  if (environment.status === "Terminating") {
    throw simError(
      "invalid_state",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `Environment named ${environment.environmentName} is in an invalid state for this operation.`,
    );
  }
  const next = structuredClone(world);
  next.blueGreen.terminations[environmentId] = toIso(ctx.now);
  return { world: next, result: undefined };
}
