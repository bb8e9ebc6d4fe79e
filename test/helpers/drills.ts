import assert from "node:assert/strict";
import { type CloudPort, type DatabasePort, drDrill, operationDefinition } from "@fastier/core";
import { createInventoryStore, createOperationStore } from "@fastier/db";
import type { TestApp } from "./testApp.ts";

/** The cloud with its restores and deletes counted, to prove a repeated step repeats no cloud call. */
export function countingRestoresAndDeletes(cloud: CloudPort) {
  const calls = { restore: 0, delete: 0 };
  const databases: DatabasePort = {
    ...cloud.databases,
    restoreToPointInTime: (request) => {
      calls.restore += 1;
      return cloud.databases.restoreToPointInTime(request);
    },
    deleteInstanceWithoutSnapshot: (identifier) => {
      calls.delete += 1;
      return cloud.databases.deleteInstanceWithoutSnapshot(identifier);
    },
  };
  return { cloud: { ...cloud, databases }, calls };
}

/** The default lease of a reconciler claim; a doomed worker's claim is free again once it has passed. */
const LEASE_MS = 60_000;

/**
 * A worker that claims the operation, runs its current step against the cloud (so the cloud call
 * happens) and dies before saving it; the clock then moves past its lease. Returns the step it ran.
 */
export async function crashInStep(t: TestApp, operationId: string, cloud: CloudPort = t.cloud): Promise<string> {
  const operations = createOperationStore(t.db);
  const now = t.clock.now();
  const [claimed] = await operations.claimDue("doomed-worker", now, new Date(now.getTime() + LEASE_MS), 1);
  assert.ok(claimed, "the operation was due");
  assert.equal(claimed.id, operationId);
  const target = await createInventoryStore(t.db).getResource(claimed.targetResourceId);
  assert.ok(target);
  const definition = operationDefinition(claimed.kind) ?? drDrill;
  await definition.step({ operation: claimed, target, cloud, now });
  t.clock.advance(LEASE_MS + 1_000);
  return claimed.step;
}

/** The scratch instance, or null once RDS no longer lists it. */
export async function scratchInstance(cloud: CloudPort, identifier: string) {
  const all = await cloud.databases.describeInstances();
  return all.find((db) => db.identifier === identifier) ?? null;
}
