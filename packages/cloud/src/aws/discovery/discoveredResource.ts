import type { DiscoveredResource } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";

export type DiscoveredKind = DiscoveredResource["kind"];

/** Lists every resource of one kind in the clients' account and region. */
export type KindLister = (clients: AwsClients, region: string) => Promise<DiscoveredResource[]>;
