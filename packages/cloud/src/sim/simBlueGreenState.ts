import type { IsoTime } from "./simTime.ts";

/** What the simulated account keeps of blue/green deploys (simBlueGreen.ts acts on it). */

export interface SimClonedEnvironment {
  environmentId: string;
  name: string;
  applicationName: string;
  templateName: string;
  versionLabel: string;
  createdAt: IsoTime;
  readyAt: IsoTime;
}

export interface SimBlueGreen {
  /** Application versions that exist (CreateApplicationVersion is outside the simulation). */
  applicationVersions: string[];
  /** The live environment's version. */
  liveVersionLabel: string;
  configurationTemplates: { applicationName: string; templateName: string; sourceEnvironmentId: string }[];
  clones: SimClonedEnvironment[];
  /** Each environment's host name by environment id: a swap exchanges two of them. */
  cnames: Record<string, string>;
  /** When each environment's termination was asked for, by environment id. */
  terminations: Record<string, IsoTime>;
}

export const cnameOf = (prefix: string, region: string) => `${prefix}.${region}.elasticbeanstalk.com`;

/** Format 6's blue/green state of a world: only the live environment, on its own CNAME. */
export function initialBlueGreen(
  live: { cloudId: string; name: string; attributes: Record<string, unknown> },
  region: string,
): SimBlueGreen {
  const cname = typeof live.attributes.cname === "string" ? live.attributes.cname : cnameOf(live.name, region);
  return {
    applicationVersions: ["fastier-web-v41", "fastier-web-v42", "fastier-web-v43", "faulty-fastier-web-v44"],
    liveVersionLabel: "fastier-web-v41",
    configurationTemplates: [],
    clones: [],
    cnames: { [live.cloudId]: cname },
    terminations: {},
  };
}
