/** What the health gate reads about the load balancer in front of a deployed application. */

/** CloudWatch's namespace for Application Load Balancer metrics. */
export const ALB_NAMESPACE = "AWS/ApplicationELB";

/** The load balancer a pipeline's deploy stage serves behind, named the ways CloudWatch and ELBv2 name it. */
export interface DeployTargetBalancer {
  loadBalancerArn: string;
  /** The `LoadBalancer` dimension of AWS/ApplicationELB: `app/<name>/<id>`, the end of the ARN. */
  loadBalancerDimension: string;
  targetGroups: { arn: string /** The `TargetGroup` dimension: `targetgroup/<name>/<id>`. */; dimension: string }[];
  /** The Elastic Beanstalk environment the deploy stage updates, when it updates one. */
  environmentName: string | null;
}

export type TargetHealthState =
  | "initial"
  | "healthy"
  | "unhealthy"
  | "unused"
  | "draining"
  | "unavailable"
  | (string & {});

export interface TargetHealth {
  targetId: string;
  state: TargetHealthState;
  reason: string | null;
}

/** The dimension CloudWatch uses for a load balancer or target group ARN: what follows `loadbalancer/` or the last `:`. */
export function loadBalancerDimensionOf(loadBalancerArn: string): string {
  return loadBalancerArn.split(":loadbalancer/")[1] ?? loadBalancerArn;
}

export function targetGroupDimensionOf(targetGroupArn: string): string {
  const at = targetGroupArn.lastIndexOf(":");
  return at < 0 ? targetGroupArn : targetGroupArn.slice(at + 1);
}
