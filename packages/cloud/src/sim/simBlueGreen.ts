import type {
  BeanstalkEnvironmentSummary,
  CloneEnvironmentRequest,
  ConfigurationTemplateRequest,
  DeployedVersion,
} from "@fastier/core";
import { faultyShareSampler, healthUnderFaults } from "./faultyReleases.ts";
import { describeEnvironment, noteEnvironmentEvent } from "./simBeanstalkUpdates.ts";
import { cnameOf, type SimVersionDeploy, VERSION_DEPLOY_MS } from "./simBlueGreenState.ts";
import { simError } from "./simErrors.ts";
import type { SimChange, SimContext, SimWorld } from "./simState.ts";
import { toIso, toMs } from "./simTime.ts";

/**
 * Elastic Beanstalk's blue/green pieces: configuration templates saved from the live
 * environment, environments cloned from them with another application version (Launching for
 * a few simulated minutes, then Ready and Green, on a CNAME of their own), the swap of two
 * environments' CNAMEs, and termination over minutes. Statuses follow from the stored times
 * and the clock alone, so nothing needs a transition. A version whose label begins with `faulty-`
 * (as a faulty release's revision does) turns the environment Yellow, then Red, as it goes out
 * (faultyReleases.ts). Each environment has a load balancer of its own (simLoadBalancer.ts); the
 * users' traffic follows the live CNAME, while the instances' memory model stays on the seeded
 * environment's group. UpdateEnvironment with a VersionLabel keeps an environment Updating for
 * a few minutes, then it runs the new version.
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

/** The version deploys of an environment that have started by `now`, oldest first. */
const deploysOf = (world: SimWorld, environmentId: string, now: number): SimVersionDeploy[] =>
  world.blueGreen.versionDeploys.filter((d) => d.environmentId === environmentId && toMs(d.startedAt) <= now);

/** Whether a version deploy still updates the environment at `now`. */
const updatingVersion = (world: SimWorld, environmentId: string, now: number) =>
  deploysOf(world, environmentId, now).some((d) => now < toMs(d.readyAt));

/** The environment that holds the live host name at `time` (the users' traffic goes there). */
export function liveHolderAt(world: SimWorld, time: number): string | null {
  let holder: string | null = null;
  for (const entry of world.blueGreen.liveHolders) {
    if (toMs(entry.at) <= time) holder = entry.environmentId;
  }
  return holder;
}

/** Every environment the account has had, as Beanstalk describes it at `now`. */
export function blueGreenEnvironments(world: SimWorld, now: number): BeanstalkEnvironmentSummary[] {
  const live = world.beanstalkEnvironment;
  const version = (environmentId: string) => deploysOf(world, environmentId, now).at(-1)?.versionLabel ?? null;
  const health = (environmentId: string, colour: string | null) =>
    colour === null ? null : healthUnderFaults(colour, faultyShareSampler(world, environmentId)(now));
  const liveStatus =
    terminationStatus(world, live.cloudId, now) ??
    (updatingVersion(world, live.cloudId, now) ? "Updating" : world.environmentConfig.status);
  const summaries: BeanstalkEnvironmentSummary[] = [
    {
      environmentId: live.cloudId,
      environmentName: live.name,
      applicationName: String(live.attributes.applicationName ?? "fastier-web"),
      status: liveStatus,
      health: liveStatus === "Ready" ? health(live.cloudId, describeEnvironment(world, live.cloudId).health) : "Grey",
      cname: world.blueGreen.cnames[live.cloudId] ?? "",
      versionLabel: version(live.cloudId),
    },
  ];
  for (const clone of world.blueGreen.clones) {
    const status =
      terminationStatus(world, clone.environmentId, now) ??
      (now < toMs(clone.readyAt)
        ? "Launching"
        : updatingVersion(world, clone.environmentId, now)
          ? "Updating"
          : "Ready");
    summaries.push({
      environmentId: clone.environmentId,
      environmentName: clone.name,
      applicationName: clone.applicationName,
      status,
      health: status !== "Ready" ? "Grey" : health(clone.environmentId, "Green"),
      cname: world.blueGreen.cnames[clone.environmentId] ?? "",
      versionLabel: version(clone.environmentId),
    });
  }
  return summaries;
}

/** The versions an environment has run, newest first, as its events name them. */
export function describeVersionHistory(world: SimWorld, now: number, environmentId: string): DeployedVersion[] {
  liveById(world, now, environmentId);
  return deploysOf(world, environmentId, now)
    .map((d) => ({ versionLabel: d.versionLabel, at: new Date(d.startedAt) }))
    .reverse();
}

/** UpdateEnvironment with a VersionLabel: Updating for a few minutes, then Ready on that version. */
export function updateEnvironmentVersion(
  world: SimWorld,
  ctx: SimContext,
  environmentId: string,
  versionLabel: string,
): SimChange<void> {
  const environment = liveById(world, ctx.now, environmentId);
  if (environment.status !== "Ready") {
    throw simError(
      "invalid_state",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `Environment named ${environment.environmentName} is in an invalid state for this operation. Must be Ready.`,
    );
  }
  if (!world.blueGreen.applicationVersions.includes(versionLabel)) {
    throw simError(
      "invalid_request",
      "elasticbeanstalk",
      "InvalidParameterValue",
      `No Application Version named '${versionLabel}' found.`,
    );
  }
  const next = structuredClone(world);
  next.blueGreen.versionDeploys.push({
    environmentId,
    versionLabel,
    startedAt: toIso(ctx.now),
    readyAt: toIso(ctx.now + VERSION_DEPLOY_MS),
  });
  if (environmentId === next.beanstalkEnvironment.cloudId) {
    noteEnvironmentEvent(next, ctx.now, "INFO", `Deploying new version ${versionLabel} to instance(s).`);
  }
  return { world: next, result: undefined };
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
  next.blueGreen.versionDeploys.push({
    environmentId,
    versionLabel: request.versionLabel,
    startedAt: toIso(ctx.now),
    readyAt: toIso(ctx.now + CLONE_LAUNCH_MS),
  });
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
  const liveCname = next.beanstalkEnvironment.attributes.cname;
  const taker = [sourceEnvironmentId, destinationEnvironmentId].find((id) => next.blueGreen.cnames[id] === liveCname);
  if (taker) next.blueGreen.liveHolders.push({ at: toIso(ctx.now), environmentId: taker });
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
