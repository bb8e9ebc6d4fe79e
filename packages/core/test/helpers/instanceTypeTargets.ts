import type {
  AutoScalingPort,
  BeanstalkPort,
  CloudPort,
  InstanceRefreshRequest,
  LaunchTemplateVersionRequest,
  Resource,
} from "../../src/index.ts";

/** An Auto Scaling group as the operations receive it: only the cloud id matters to them. */
export const groupTarget = (cloudId: string, id = `res-${cloudId}`): Resource =>
  ({
    id,
    environmentId: "env-1",
    kind: "auto_scaling_group",
    cloudId,
    name: cloudId,
    attributes: {},
    parentId: null,
  }) as unknown as Resource;

/** Every call that changes an instance type, recorded with its input, passed through to the cloud. */
export interface InstanceTypeCalls {
  updateInstanceTypes: { environmentId: string; instanceTypes: string[] }[];
  createLaunchTemplateVersion: LaunchTemplateVersionRequest[];
  startInstanceRefresh: { groupName: string; request: InstanceRefreshRequest }[];
}

export function recordingInstanceTypeCalls(cloud: CloudPort): { cloud: CloudPort; calls: InstanceTypeCalls } {
  const calls: InstanceTypeCalls = {
    updateInstanceTypes: [],
    createLaunchTemplateVersion: [],
    startInstanceRefresh: [],
  };
  const autoScaling: AutoScalingPort = {
    ...cloud.autoScaling,
    createLaunchTemplateVersion: (request) => {
      calls.createLaunchTemplateVersion.push(request);
      return cloud.autoScaling.createLaunchTemplateVersion(request);
    },
    startInstanceRefresh: (groupName, request) => {
      calls.startInstanceRefresh.push({ groupName, request });
      return cloud.autoScaling.startInstanceRefresh(groupName, request);
    },
  };
  const beanstalk: BeanstalkPort = {
    ...cloud.beanstalk,
    updateInstanceTypes: (environmentId, instanceTypes) => {
      calls.updateInstanceTypes.push({ environmentId, instanceTypes });
      return cloud.beanstalk.updateInstanceTypes(environmentId, instanceTypes);
    },
  };
  return { cloud: { ...cloud, autoScaling, beanstalk }, calls };
}

/** No call at all that changes an instance type. */
export const noInstanceTypeCalls = (calls: InstanceTypeCalls) =>
  calls.updateInstanceTypes.length + calls.createLaunchTemplateVersion.length + calls.startInstanceRefresh.length === 0;
