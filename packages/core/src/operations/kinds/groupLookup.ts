import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { AutoScalingGroupState } from "../../cloud/cloudTypes.ts";
import { NotFoundError } from "../../errors.ts";

/** The group as the cloud describes it now; 404 when it is gone. */
export async function describeGroup(cloud: CloudPort, name: string): Promise<AutoScalingGroupState> {
  const [group] = await cloud.autoScaling.describeGroups([name]);
  if (!group) throw new NotFoundError("auto_scaling_group", name);
  return group;
}
