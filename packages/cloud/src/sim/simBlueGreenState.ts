import { DAY, type IsoTime, MINUTE, toIso, toMs } from "./simTime.ts";

/** What the simulated account keeps of blue/green deploys and version deploys (simBlueGreen.ts acts on it). */

export interface SimClonedEnvironment {
  environmentId: string;
  name: string;
  applicationName: string;
  templateName: string;
  /** The version it was created with; what it runs now is in `versionDeploys`. */
  versionLabel: string;
  createdAt: IsoTime;
  readyAt: IsoTime;
}

/** An application version put on an environment: by its creation or by UpdateEnvironment with a VersionLabel. */
export interface SimVersionDeploy {
  environmentId: string;
  versionLabel: string;
  startedAt: IsoTime;
  /** The environment is Updating until then. */
  readyAt: IsoTime;
}

export interface SimBlueGreen {
  /** Application versions that exist (CreateApplicationVersion is outside the simulation). */
  applicationVersions: string[];
  configurationTemplates: { applicationName: string; templateName: string; sourceEnvironmentId: string }[];
  clones: SimClonedEnvironment[];
  /** Each environment's host name by environment id: a swap exchanges two of them. */
  cnames: Record<string, string>;
  /** When each environment's termination was asked for, by environment id. */
  terminations: Record<string, IsoTime>;
  /**
   * Which environment took the live host name when, oldest first: the users' traffic (and so the
   * load balancers' metrics, past ones too) follows it.
   */
  liveHolders: { at: IsoTime; environmentId: string }[];
  /** Every version deploy of every environment, oldest first: the newest started one runs. */
  versionDeploys: SimVersionDeploy[];
}

export const cnameOf = (prefix: string, region: string) => `${prefix}.${region}.elasticbeanstalk.com`;

/** How long UpdateEnvironment with a new version keeps an environment Updating. */
export const VERSION_DEPLOY_MS = 4 * MINUTE;

/** The versions Fastier's account has, the live one second to last (its predecessor is the one a rollback returns to). */
export const SEEDED_VERSIONS = {
  previous: "fastier-web-v40",
  live: "fastier-web-v41",
  others: ["fastier-web-v42", "fastier-web-v43", "faulty-fastier-web-v44", "faulty-10m-fastier-web-v45"],
} as const;

/** The live environment's version history as seeded: the previous release two weeks ago, the live one two days ago. */
export function seededVersionDeploys(environmentId: string, seededAt: IsoTime, live: string): SimVersionDeploy[] {
  const at = (agoMs: number) => toIso(toMs(seededAt) - agoMs);
  return [
    {
      environmentId,
      versionLabel: SEEDED_VERSIONS.previous,
      startedAt: at(14 * DAY),
      readyAt: at(14 * DAY - VERSION_DEPLOY_MS),
    },
    { environmentId, versionLabel: live, startedAt: at(2 * DAY), readyAt: at(2 * DAY - VERSION_DEPLOY_MS) },
  ];
}

/** The blue/green state of a new world: only the live environment, on its own CNAME, holding it since long before. */
export function initialBlueGreen(
  live: { cloudId: string; name: string; attributes: Record<string, unknown> },
  region: string,
  seededAt: IsoTime,
): SimBlueGreen {
  const cname = typeof live.attributes.cname === "string" ? live.attributes.cname : cnameOf(live.name, region);
  return {
    applicationVersions: [SEEDED_VERSIONS.previous, SEEDED_VERSIONS.live, ...SEEDED_VERSIONS.others],
    configurationTemplates: [],
    clones: [],
    cnames: { [live.cloudId]: cname },
    terminations: {},
    liveHolders: [{ at: toIso(toMs(seededAt) - 30 * DAY), environmentId: live.cloudId }],
    versionDeploys: seededVersionDeploys(live.cloudId, seededAt, SEEDED_VERSIONS.live),
  };
}
