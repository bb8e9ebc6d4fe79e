import { Type } from "typebox";
import { AWS_REGION_PATTERN, type ReplicatedBackup } from "../../cloud/backupReplicationPort.ts";
import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { DbInstanceState } from "../../cloud/cloudTypes.ts";
import { type BackupReplicationRecord, withBackupReplication } from "../../dr/backupReplications.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import type { Resource } from "../../inventory/types.ts";
import type { InventoryEffect } from "../operationTypes.ts";
import { describeDbInstance } from "./dbInstanceLookup.ts";

/** The request field both replication kinds take. */
export const DestinationRegion = Type.String({
  pattern: AWS_REGION_PATTERN,
  maxLength: 25,
  description: "The AWS region to replicate automated backups to (not the environment's own), e.g. us-west-2",
});

/** Replication into the home region would protect against nothing a region outage takes away; RDS refuses it too. */
export function refuseHomeRegion(cloud: CloudPort, destinationRegion: string): void {
  if (destinationRegion !== cloud.region) return;
  throw new ValidationError([
    {
      field: "/destinationRegion",
      rule: "other_region",
      message: `must be a region other than the environment's own (${cloud.region})`,
    },
  ]);
}

/** The source instance and its ARN, which RDS needs to name it from another region. */
export async function replicationSource(
  cloud: CloudPort,
  identifier: string,
): Promise<{ instance: DbInstanceState; sourceArn: string }> {
  const instance = await describeDbInstance(cloud, identifier);
  if (!instance.arn) {
    throw new ConflictError(
      "no_arn",
      `the cloud reports no ARN for ${instance.identifier}; it cannot be named from another region`,
    );
  }
  return { instance, sourceArn: instance.arn };
}

/** Replicated backups that are being kept up to date (or about to be); a `retained` one is what a stop leaves. */
export const liveReplication = (backup: ReplicatedBackup | null): ReplicatedBackup | null =>
  backup !== null && backup.status !== "retained" ? backup : null;

/** While RDS copies the first backup: a minute between looks is plenty. */
export const REPLICATION_RECHECK_MS = 60_000;

/** What a start (`record`) or a stop (`null`) leaves in the inventory: the target's entry for that region. */
export function replicationInventoryEffect(
  target: Pick<Resource, "id" | "attributes">,
  destinationRegion: string,
  record: BackupReplicationRecord | null,
): InventoryEffect {
  return {
    updates: [
      {
        resourceId: target.id,
        changes: { attributes: withBackupReplication(target.attributes, destinationRegion, record) },
      },
    ],
    creates: [],
  };
}
