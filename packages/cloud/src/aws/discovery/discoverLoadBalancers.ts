import {
  DescribeTagsCommand,
  type LoadBalancer,
  paginateDescribeLoadBalancers,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { DiscoveredResource } from "@fastier/core";
import { discoveredResource } from "@fastier/core";
import { awsCall } from "../awsErrors.ts";
import { BEANSTALK_ENVIRONMENT_ID_TAG, tagsOf } from "../awsTags.ts";
import type { KindLister } from "./discoveredResource.ts";

/** DescribeTags takes at most 20 load balancers per call. */
const TAGS_PER_CALL = 20;

const STATUS_BY_STATE: Record<string, DiscoveredResource["status"]> = {
  active: "active",
  provisioning: "pending",
  active_impaired: "degraded",
  failed: "failed",
};

export const discoverLoadBalancers: KindLister = async (clients, region) => {
  const balancers = await awsCall("elasticloadbalancing", "DescribeLoadBalancers", async () => {
    const found: LoadBalancer[] = [];
    for await (const page of paginateDescribeLoadBalancers({ client: clients.elbv2 }, {})) {
      found.push(...(page.LoadBalancers ?? []));
    }
    return found;
  });
  const arns = balancers.flatMap((b) => (b.LoadBalancerArn ? [b.LoadBalancerArn] : []));
  const tagsByArn = new Map<string, Record<string, string>>();
  for (let start = 0; start < arns.length; start += TAGS_PER_CALL) {
    const answer = await awsCall("elasticloadbalancing", "DescribeTags", () =>
      clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(start, start + TAGS_PER_CALL) })),
    );
    for (const description of answer.TagDescriptions ?? []) {
      if (description.ResourceArn) tagsByArn.set(description.ResourceArn, tagsOf(description.Tags));
    }
  }
  return balancers.map((balancer) => {
    const arn = balancer.LoadBalancerArn ?? "";
    const tags = tagsByArn.get(arn) ?? {};
    return discoveredResource({
      kind: "load_balancer",
      cloudId: arn,
      name: balancer.LoadBalancerName ?? arn,
      region,
      availabilityZones: (balancer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName ? [zone.ZoneName] : [])),
      tags,
      parentCloudId: tags[BEANSTALK_ENVIRONMENT_ID_TAG] ?? null,
      status: STATUS_BY_STATE[balancer.State?.Code ?? ""] ?? "degraded",
      attributes: {
        type: balancer.Type ?? null,
        scheme: balancer.Scheme ?? null,
        dnsName: balancer.DNSName ?? null,
        vpcId: balancer.VpcId ?? null,
        ipAddressType: balancer.IpAddressType ?? null,
        canonicalHostedZoneId: balancer.CanonicalHostedZoneId ?? null,
      },
    });
  });
};
