import {
  type HostedZone,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  paginateListHostedZones,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import type { DiscoveredResource } from "@fastier/core";
import { discoveredResource } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";
import { awsCall } from "../awsErrors.ts";
import type { KindLister } from "./discoveredResource.ts";
import { mapWithConcurrency } from "./mapWithConcurrency.ts";

/** Route 53 spells zone ids as "/hostedzone/Z123"; the inventory uses the bare id. */
const bareZoneId = (id: string) => id.replace(/^\/hostedzone\//, "");

/** Route 53 returns names with a trailing dot and special characters as octal escapes (`\052` for `*`). */
function readableName(name: string): string {
  return name
    .replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
    .replace(/\.$/, "");
}

async function recordsOf(clients: AwsClients, zoneId: string): Promise<ResourceRecordSet[]> {
  const records: ResourceRecordSet[] = [];
  // ListResourceRecordSets pages by the next record's name, type and set identifier.
  let input: ListResourceRecordSetsCommandInput = { HostedZoneId: zoneId };
  for (;;) {
    const answer = await awsCall("route53", "ListResourceRecordSets", () =>
      clients.route53.send(new ListResourceRecordSetsCommand(input)),
    );
    records.push(...(answer.ResourceRecordSets ?? []));
    if (!answer.IsTruncated) return records;
    input = {
      HostedZoneId: zoneId,
      StartRecordName: answer.NextRecordName,
      StartRecordType: answer.NextRecordType,
      ...(answer.NextRecordIdentifier ? { StartRecordIdentifier: answer.NextRecordIdentifier } : {}),
    };
  }
}

function recordResource(zone: HostedZone, record: ResourceRecordSet): DiscoveredResource {
  const zoneId = bareZoneId(zone.Id ?? "");
  const name = record.Name ?? "";
  // Weighted, failover and latency records share a name and type; the set identifier tells them apart.
  const cloudId = [zoneId, name, record.Type, ...(record.SetIdentifier ? [record.SetIdentifier] : [])].join("/");
  return discoveredResource({
    kind: "dns_record",
    cloudId,
    name: readableName(name),
    attributes: {
      hostedZoneId: zoneId,
      hostedZone: readableName(zone.Name ?? ""),
      privateZone: zone.Config?.PrivateZone ?? false,
      type: record.Type ?? null,
      ttl: record.TTL ?? null,
      values: (record.ResourceRecords ?? []).map((r) => r.Value ?? ""),
      alias: record.AliasTarget?.DNSName ?? null,
      evaluateTargetHealth: record.AliasTarget?.EvaluateTargetHealth ?? null,
      setIdentifier: record.SetIdentifier ?? null,
      failover: record.Failover ?? null,
      weight: record.Weight ?? null,
      routingRegion: record.Region ?? null,
      healthCheckId: record.HealthCheckId ?? null,
    },
  });
}

/** Every record of every hosted zone, with its zone. */
export async function listRecords(clients: AwsClients): Promise<{ zone: HostedZone; record: ResourceRecordSet }[]> {
  const zones = await awsCall("route53", "ListHostedZones", async () => {
    const found: HostedZone[] = [];
    for await (const page of paginateListHostedZones({ client: clients.route53 }, {})) {
      found.push(...(page.HostedZones ?? []));
    }
    return found;
  });
  // Route 53 allows five requests per second per account, so zones are read two at a time.
  const perZone = await mapWithConcurrency(zones, 2, async (zone) =>
    (await recordsOf(clients, bareZoneId(zone.Id ?? ""))).map((record) => ({ zone, record })),
  );
  return perZone.flat();
}

/** The host names records point at (CNAME values and alias targets), lower case without the trailing dot. */
export const recordTargetsOf = (record: ResourceRecordSet): string[] =>
  [...(record.ResourceRecords ?? []).map((r) => r.Value ?? ""), record.AliasTarget?.DNSName ?? ""]
    .filter((name) => name.length > 0)
    .map((name) => readableName(name).toLowerCase());

export const discoverDnsRecords: KindLister = async (clients) =>
  (await listRecords(clients)).map(({ zone, record }) => recordResource(zone, record));
