import type { BeanstalkEnvironmentSummary } from "../../cloud/blueGreenTypes.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";

/**
 * What rolling an Elastic Beanstalk environment back means, shared by the one-call rollback of
 * an environment and a pipeline deploy's health gate: during a blue/green drain, the CNAMEs
 * swapped back to the environment that was live before; otherwise the previous application
 * version (the newest in the environment's history other than the one it runs) deployed again
 * with UpdateEnvironment. Each function looks before it acts, so a repeated step does nothing twice.
 */

/** Blue/green names an environment's copies `<base>-a` / `<base>-b`; the live host name stays `<base>.…`. */
export const baseNameOf = (environmentName: string) => /^(.*)-[ab]$/.exec(environmentName)?.[1] ?? environmentName;

export interface SwapBackChoice {
  /** The environment that answers on the live host name now, and the one that will again. */
  live: BeanstalkEnvironmentSummary;
  back: BeanstalkEnvironmentSummary;
  liveCname: string;
}

/**
 * The swap back available for an environment: another environment of its blue/green family that
 * is still Ready (in a drain, or kept) while one of them holds the live host name — the one of
 * the family's base name. Null when there is none.
 */
export async function swapBackChoice(cloud: CloudPort, environmentName: string): Promise<SwapBackChoice | null> {
  const base = baseNameOf(environmentName);
  const family: BeanstalkEnvironmentSummary[] = [];
  for (const name of new Set([base, `${base}-a`, `${base}-b`])) {
    const found = await cloud.beanstalk.findEnvironmentByName(name);
    if (found && found.status !== "Terminating") family.push(found);
  }
  const live = family.find((e) => e.cname.startsWith(`${base}.`));
  if (!live) return null;
  const candidates = family.filter((e) => e !== live && e.status === "Ready");
  const back = candidates.find((e) => e.environmentName === environmentName) ?? candidates[0];
  return back ? { live, back, liveCname: live.cname } : null;
}

/** The previous application version of an environment: the newest in its history other than the one it runs. */
export async function previousVersionOf(
  cloud: CloudPort,
  environment: BeanstalkEnvironmentSummary,
): Promise<string | null> {
  const history = await cloud.beanstalk.describeVersionHistory(environment.environmentId);
  const current = environment.versionLabel ?? history[0]?.versionLabel ?? null;
  return history.find((v) => v.versionLabel !== current)?.versionLabel ?? null;
}

/** Swaps the live host name back, unless `back` holds it already; false when it did not have to. */
export async function swapBackOnce(cloud: CloudPort, choice: { liveCname: string; liveId: string; backName: string }) {
  const back = await cloud.beanstalk.findEnvironmentByName(choice.backName);
  if (!back) return { gone: true, swapped: false } as const;
  if (back.cname === choice.liveCname) return { gone: false, swapped: false } as const;
  await cloud.beanstalk.swapEnvironmentCnames(choice.liveId, back.environmentId);
  return { gone: false, swapped: true } as const;
}

export type VersionRollbackProgress =
  | { state: "done"; environment: BeanstalkEnvironmentSummary }
  | { state: "updating"; environment: BeanstalkEnvironmentSummary }
  | { state: "started"; environment: BeanstalkEnvironmentSummary }
  | { state: "failed"; environment: BeanstalkEnvironmentSummary | null; why: string };

/**
 * Puts `versionLabel` on the environment unless it runs it already or an update is under way
 * (a repeated step after a crash finds its own update running): UpdateEnvironment only when the
 * environment is Ready on another version.
 */
export async function startVersionRollback(
  cloud: CloudPort,
  environmentName: string,
  versionLabel: string,
): Promise<VersionRollbackProgress> {
  const environment = await cloud.beanstalk.findEnvironmentByName(environmentName);
  if (!environment) return { state: "failed", environment: null, why: `${environmentName} no longer exists` };
  if (environment.status !== "Ready") return { state: "updating", environment };
  if (environment.versionLabel === versionLabel) return { state: "done", environment };
  await cloud.beanstalk.updateEnvironmentVersion(environment.environmentId, versionLabel);
  return { state: "started", environment };
}

/** Follows the update: Ready on `versionLabel` is done; Ready on anything else means Beanstalk gave up on it. */
export async function followVersionRollback(
  cloud: CloudPort,
  environmentName: string,
  versionLabel: string,
): Promise<VersionRollbackProgress> {
  const environment = await cloud.beanstalk.findEnvironmentByName(environmentName);
  if (!environment) return { state: "failed", environment: null, why: `${environmentName} no longer exists` };
  if (environment.status !== "Ready") return { state: "updating", environment };
  if (environment.versionLabel !== versionLabel) {
    return {
      state: "failed",
      environment,
      why: `${environmentName} is Ready on ${environment.versionLabel ?? "no version"}, not ${versionLabel}: Beanstalk did not deploy it`,
    };
  }
  return { state: "done", environment };
}
