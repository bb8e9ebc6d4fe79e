import type { CloudPort } from "@fastier/core";
import { createInventoryStore, createOperationStore } from "@fastier/db";
import pino from "pino";
import { createReconciler } from "../../apps/worker/src/reconciler.ts";
import type { TestApp } from "./testApp.ts";

/** A reconciler on the test app's database and clock (the simulator unless another cloud is given). */
export function reconcilerFor(t: TestApp, cloud: CloudPort = t.cloud, workerId = "worker-a") {
  return createReconciler({
    operations: createOperationStore(t.db),
    inventory: createInventoryStore(t.db),
    cloud,
    now: () => t.clock.now(),
    log: pino({ level: "silent" }),
    workerId,
    random: () => 0.5,
  });
}

/** Ticks the reconciler, advancing simulated time between ticks, until the operation ends; returns its status. */
export async function reconcileToEnd(t: TestApp, operationId: string, cloud: CloudPort = t.cloud): Promise<void> {
  const reconciler = reconcilerFor(t, cloud);
  const operations = createOperationStore(t.db);
  for (let i = 0; i < 300; i += 1) {
    await reconciler.tick();
    const operation = await operations.get(operationId);
    if (operation && !["pending", "running"].includes(operation.status)) return;
    t.clock.advance(30_000);
  }
  throw new Error(`operation ${operationId} did not end`);
}
