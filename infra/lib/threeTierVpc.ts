import { SubnetType, Vpc } from "aws-cdk-lib/aws-ec2";
import type { Construct } from "constructs";

/**
 * A VPC over two availability zones, in three tiers: public subnets (NAT
 * gateways, load balancers), private subnets with egress named `computeName`
 * (functions or web instances), and isolated `data` subnets for the database.
 */
export function threeTierVpc(scope: Construct, options: { computeName: string; natGateways: number }): Vpc {
  return new Vpc(scope, "Vpc", {
    maxAzs: 2,
    natGateways: options.natGateways,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      { name: "public", subnetType: SubnetType.PUBLIC, cidrMask: 24 },
      { name: options.computeName, subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: "data", subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
}
