import {
  BEANSTALK_ENVIRONMENT_NAME,
  type BeanstalkPort,
  type CloneEnvironmentRequest,
  type CloudPort,
  type ConfigurationTemplateRequest,
  type Resource,
} from "../../src/index.ts";

/** The environment that serves the site before a blue/green deploy, and the one the deploy creates beside it. */
export const BLUE = BEANSTALK_ENVIRONMENT_NAME;
export const GREEN = `${BLUE}-b`;
/** The address users reach: whichever environment holds it is live. */
export const LIVE_CNAME = "fastier-prod.us-east-1.elasticbeanstalk.com";

/** Fastier's live Beanstalk environment as the operations receive it: its name is what they look up. */
export const environmentTarget = (attributes: Record<string, unknown> = {}, name = BEANSTALK_ENVIRONMENT_NAME) =>
  ({
    id: `res-${name}`,
    environmentId: "env-1",
    kind: "beanstalk_environment",
    cloudId: "e-fastierprod",
    name,
    attributes,
    parentId: null,
  }) as unknown as Resource;

export interface BlueGreenCalls {
  createConfigurationTemplate: ConfigurationTemplateRequest[];
  createEnvironment: CloneEnvironmentRequest[];
  swapEnvironmentCnames: { sourceEnvironmentId: string; destinationEnvironmentId: string }[];
  terminateEnvironment: string[];
  updateEnvironmentVersion: { environmentId: string; versionLabel: string }[];
}

/** Every call of a blue/green deploy that changes the cloud, recorded with its input, passed through. */
export function recordingBlueGreenCalls(cloud: CloudPort): { cloud: CloudPort; calls: BlueGreenCalls } {
  const calls: BlueGreenCalls = {
    createConfigurationTemplate: [],
    createEnvironment: [],
    swapEnvironmentCnames: [],
    terminateEnvironment: [],
    updateEnvironmentVersion: [],
  };
  const beanstalk: BeanstalkPort = {
    ...cloud.beanstalk,
    createConfigurationTemplate: (request) => {
      calls.createConfigurationTemplate.push(request);
      return cloud.beanstalk.createConfigurationTemplate(request);
    },
    createEnvironment: (request) => {
      calls.createEnvironment.push(request);
      return cloud.beanstalk.createEnvironment(request);
    },
    swapEnvironmentCnames: (sourceEnvironmentId, destinationEnvironmentId) => {
      calls.swapEnvironmentCnames.push({ sourceEnvironmentId, destinationEnvironmentId });
      return cloud.beanstalk.swapEnvironmentCnames(sourceEnvironmentId, destinationEnvironmentId);
    },
    terminateEnvironment: (environmentId) => {
      calls.terminateEnvironment.push(environmentId);
      return cloud.beanstalk.terminateEnvironment(environmentId);
    },
    updateEnvironmentVersion: (environmentId, versionLabel) => {
      calls.updateEnvironmentVersion.push({ environmentId, versionLabel });
      return cloud.beanstalk.updateEnvironmentVersion(environmentId, versionLabel);
    },
  };
  return { cloud: { ...cloud, beanstalk }, calls };
}
