import type { CloudConfig } from "@fastier/config";
import type { CloudPort } from "@fastier/core";
import type pg from "pg";
import { createAwsCloud } from "./aws/index.ts";
import { openSharedSimClock } from "./sharedSimClock.ts";
import { createSimCloud } from "./sim/index.ts";

export interface Cloud {
  port: CloudPort;
  /** The cloud's clock: simulated time under the simulator, the wall clock on AWS. */
  now: () => Date;
}

/**
 * The configured cloud: the simulated Fastier account (state in this
 * database, shared by every process) or AWS (or an AWS emulator at `endpoint`).
 */
export async function createCloud(config: CloudConfig, database: { pool: pg.Pool }): Promise<Cloud> {
  if (config.provider === "aws") {
    const port = createAwsCloud({
      region: config.region,
      ...(config.endpoint && { endpoint: config.endpoint }),
      maxAttempts: config.maxAttempts,
    });
    return { port, now: () => new Date() };
  }
  const clock = await openSharedSimClock(database.pool, config.simTimeScale, config.simStart);
  const port = createSimCloud({
    pool: database.pool,
    clock,
    region: config.region,
    pipelineFailureRate: config.simPipelineFailureRate,
  });
  return { port, now: () => clock.now() };
}
