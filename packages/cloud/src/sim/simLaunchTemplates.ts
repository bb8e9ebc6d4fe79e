import { hexFromDraws, unitHash } from "./keyedRandom.ts";
import type { SimEnvironmentConfig } from "./simReplacementState.ts";
import type { SimAutoScalingGroup } from "./simState.ts";
import type { IsoTime } from "./simTime.ts";

/** A group's launch template fields when it has launched from version 1 of its own template since `createdAt`. */
export function firstLaunchTemplate(
  idSalt: string,
  groupName: string,
  instanceType: string,
  createdAt: IsoTime,
): Pick<
  SimAutoScalingGroup,
  "launchTemplateId" | "launchTemplateVersion" | "launchTemplateVersions" | "instanceRefreshes" | "replacement"
> {
  return {
    launchTemplateId: `lt-0${hexFromDraws(unitHash, `${idSalt}:launch-template:${groupName}`, 16)}`,
    launchTemplateVersion: 1,
    launchTemplateVersions: [{ versionNumber: 1, instanceType, description: null, createdAt }],
    instanceRefreshes: [],
    replacement: null,
  };
}

/**
 * Fastier's environment: the group's type, and rolling updates one instance at a time with one
 * in service (what Beanstalk's console sets for a load-balanced environment of two).
 */
export const fastierEnvironmentConfig = (instanceType: string): SimEnvironmentConfig => ({
  status: "Ready",
  instanceTypes: [instanceType],
  rollingUpdate: { enabled: true, maxBatchSize: 1, minInstancesInService: 1 },
  events: [],
});
